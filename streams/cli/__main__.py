"""`python -m streams.cli` is `mcu`."""

from streams.cli import main

main()
