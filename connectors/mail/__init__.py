"""E-mail to the administration over IMAP (imap-tools), and ПОС notification letters."""
