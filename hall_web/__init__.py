"""The public web service of the hall suite (hall-web): the citizen's phone pages (follow a
ticket, take one remotely, reminders, rating), the hall and city pages, and the data screens.
It talks to the halls over MQTT with its own device identity; it never touches the database
and never holds the platform's credentials."""
