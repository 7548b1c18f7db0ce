"""hall_controller"""
