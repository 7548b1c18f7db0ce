"""reference_backend"""
