"""hall_controller/screens"""
