#!/usr/bin/env python3
"""Write each literal block of a man page's EXAMPLES section as a script and
its expected output: man-examples.py PAGE DIR gives DIR/example-N.sh (the
"$ " lines, without the prompt) and DIR/example-N.out (the other lines)."""
import re
import sys

page, outdir = sys.argv[1], sys.argv[2]
text = open(page).read().split(".Sh EXAMPLES", 1)[1].split(".Sh SEE ALSO", 1)[0]
blocks = re.findall(r"^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", text, re.S | re.M)
for n, block in enumerate(blocks):
    block = block.replace("\\e", "\\").replace("\\&", "").replace("\\-", "-")
    cmds = [l[2:] for l in block.splitlines() if l.startswith("$ ")]
    out = [l for l in block.splitlines() if not l.startswith("$ ")]
    with open(f"{outdir}/example-{n}.sh", "w") as f:
        f.write("\n".join(cmds) + "\n")
    with open(f"{outdir}/example-{n}.out", "w") as f:
        f.write("\n".join(out) + ("\n" if out else ""))
