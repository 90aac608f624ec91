"""Checks a chorus report page: well-formed HTML and SVG, and what it holds.

usage: report_check.py PAGE [--sections ID,ID,...] [--min-svg N] [--script-elements N]

The HTML is parsed with html.parser: every element that is opened is closed, in order
(void elements excepted), and nothing is closed that was not opened. Every <svg> ... </svg>
is parsed on its own as XML. Each listed section id must be a <section id=...> with a
heading. Exits 1 naming what is wrong.
"""
import argparse
import html.parser
import re
import sys
import xml.etree.ElementTree as ET

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Inside <svg>, elements may close themselves (<rect/>); html.parser reports those as
# startendtag, so only these need care.


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.sections = {}
        self.current = None
        self.heading = False
        self.counts = {}
        self.script_text = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag in VOID:
            return
        self.stack.append((tag, self.getpos()))
        attrs = dict(attrs)
        if tag == "section":
            self.current = attrs.get("id")
            if not self.current:
                self.errors.append("a section without an id at line %d" % self.getpos()[0])
            self.sections[self.current] = ""
        if tag == "h2" and self.current:
            self.heading = True
        if tag == "script":
            self.in_script = True

    def handle_startendtag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.errors.append("</%s> at line %d closes nothing" % (tag, self.getpos()[0]))
            return
        open_tag, pos = self.stack.pop()
        if open_tag != tag:
            self.errors.append("</%s> at line %d closes <%s> of line %d" %
                               (tag, self.getpos()[0], open_tag, pos[0]))
        if tag == "h2":
            self.heading = False
        if tag == "section":
            self.current = None
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.heading and self.current:
            self.sections[self.current] += data
        if self.in_script:
            self.script_text.append(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--sections", default="")
    ap.add_argument("--min-svg", type=int, default=0)
    ap.add_argument("--script-elements", type=int, default=None)
    args = ap.parse_args()
    text = open(args.page, encoding="utf-8").read()
    page = Page()
    page.feed(text)
    page.close()
    errors = list(page.errors)
    for tag, pos in page.stack:
        errors.append("<%s> of line %d is never closed" % (tag, pos[0]))
    svgs = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    for n, svg in enumerate(svgs):
        try:
            ET.fromstring(svg)
        except ET.ParseError as e:
            errors.append("SVG %d is not well-formed XML: %s" % (n + 1, e))
    if len(svgs) < args.min_svg:
        errors.append("%d SVG elements, expected at least %d" % (len(svgs), args.min_svg))
    for sid in filter(None, args.sections.split(",")):
        if sid not in page.sections:
            errors.append("no <section id=\"%s\">" % sid)
        elif not page.sections[sid].strip():
            errors.append("section %s has no heading" % sid)
    if args.script_elements is not None and page.counts.get("script", 0) != args.script_elements:
        errors.append("%d <script> elements, expected %d" %
                      (page.counts.get("script", 0), args.script_elements))
    # Nothing is fetched: no src or href to another place, no @import or url(http...).
    if re.search(r"(src|href)\s*=\s*\"(?!#)", text) or re.search(r"@import|url\(\s*['\"]?http",
                                                                  text):
        errors.append("the page refers to an outside resource")
    for e in errors:
        print("%s: %s" % (args.page, e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
