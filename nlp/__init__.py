"""Russian tagging of citizen messages: pure, synchronous, no I/O and no faust."""
