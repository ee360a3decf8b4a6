"""Two-way sync with CardDAV address books and CalDAV calendars."""
