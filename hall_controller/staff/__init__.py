"""hall_controller/staff"""
