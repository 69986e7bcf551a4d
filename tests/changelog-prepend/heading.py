#!/usr/bin/env python3
"""Judge a new release heading against the one below it, by parsing both:

    heading.py CHANGELOG VERSION DATE

The newest release heading must name VERSION, be built like the next one
(prefix, brackets, 'v', link, separator, date form and closing), carry DATE
in that form, and its link must be the old one moved on: a compare link from
the old release to the new one, any other link naming the new version."""
import re
import sys
from datetime import date, datetime

path, version, when = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
text = open(path, newline="").read()
lines = text.split("\r" if "\n" not in text else "\n")
HEAD = re.compile(r"^(#+ +)(\[?)([vV]?)(\d[0-9A-Za-z.+-]*)(\]?)(?:\(([^)\s]+)\))?(.*?)\r?$")
FORMS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y"]


def parse(line):
    m = HEAD.match(line)
    if not m or m.group(4).lower() == "unreleased":
        return None
    prefix, lb, v, ver, rb, url, rest = m.groups()
    sep = close = form = day = None
    for start in range(len(rest)):
        for end in range(len(rest), start, -1):
            for f in FORMS:
                try:
                    day = datetime.strptime(rest[start:end], f).date()
                except ValueError:
                    continue
                sep, close, form = rest[:start], rest[end:], f
                break
            if form:
                break
        if form:
            break
    return {"prefix": prefix, "brackets": lb + rb, "v": v, "version": ver, "url": url,
            "sep": sep, "close": close, "form": form, "date": day, "rest": rest}


heads = [h for h in (parse(l) for l in lines) if h]
if len(heads) < 2:
    sys.exit(f"{path}: fewer than two release headings")
new, old = heads[0], heads[1]
problems = []
if new["version"] != version:
    problems.append(f"the newest heading names {new['version']}, not {version}")
for key in ("prefix", "brackets", "v", "sep", "close", "form"):
    if new[key] != old[key]:
        problems.append(f"{key}: {new[key]!r} where the heading below has {old[key]!r}")
if old["form"] and new["date"] != when:
    problems.append(f"date {new['date']} is not {when}")
if old["form"] and new["date"].strftime(old["form"]) != new["rest"][len(new["sep"]):len(new["rest"]) - len(new["close"])]:
    problems.append("the date is not written in the old form")
if old["url"]:
    cmp = re.search(r"/compare/(.+)\.\.\.(.+)$", old["url"])
    if cmp:
        want = old["url"][:cmp.start(1)] + cmp.group(2) + "..." + cmp.group(2).replace(old["version"], version)
    else:
        i = old["url"].rfind(old["version"])
        want = old["url"][:i] + version + old["url"][i + len(old["version"]):]
    if new["url"] != want:
        problems.append(f"link {new['url']!r}, want {want!r}")
elif new["url"]:
    problems.append("a link where the heading below has none")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
