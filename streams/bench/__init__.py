"""`mcu bench pipeline`: the whole path on the running servers, one worker then two."""
