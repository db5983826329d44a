"""Reading one bulletin (.pdf or .txt) into a ``Bulletin``: pure parsing, no index, no web.

reading -> paragraphs -> markers/structure -> sections with types and departments; ``parser``
ties the steps together (``parse_file``), ``model`` holds the result, ``render`` prints it.
The format itself is described in docs/bulletins.md.
"""
