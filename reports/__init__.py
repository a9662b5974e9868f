"""Department ratings and the report to the head, computed over plain search documents.

Pure: no faust, no search client, no settings. The CLI (`mcu ratings`, `mcu report`)
fetches documents and passes them in.
"""
