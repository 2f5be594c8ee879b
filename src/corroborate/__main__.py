"""``python -m corroborate``: the same command line as ``corroborate``.

For environments where the console script is not on ``PATH`` (a virtualenv not
activated, ``pip install --user``).
"""

from corroborate.cli import main

if __name__ == "__main__":
    main()
