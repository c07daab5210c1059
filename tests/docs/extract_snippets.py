#!/usr/bin/env python3
"""Writes every ```cpp block of the given Markdown files to OUT/<file>_<n>.cpp and prints the
paths, one per line. Each block must be a complete translation unit; illustrative fragments use
```text. Files are rewritten only when their content changes, so builds stay incremental."""
import os
import re
import sys


def main():
    out, sources = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    written = []
    for source in sources:
        text = open(source, encoding="utf-8").read()
        stem = re.sub(r"[^A-Za-z0-9]+", "_", os.path.relpath(source, os.path.dirname(out)))
        for n, match in enumerate(re.finditer(r"^```cpp\n(.*?)^```", text, re.S | re.M), 1):
            line = text.count("\n", 0, match.start()) + 2
            code = f'#line {line} "{source}"\n' + match.group(1)
            path = os.path.join(out, f"{stem}_{n}.cpp")
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != code:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(code)
            written.append(path)
    print(";".join(written), end="")


if __name__ == "__main__":
    main()
