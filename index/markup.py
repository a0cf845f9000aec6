"""Text from the markup formats: DOCX (python-docx) and HTML (selectolax), one paragraph per line."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from selectolax.lexbor import LexborHTMLParser, LexborNode

from index.tables import Slot, grid_lines


def read_docx(data: bytes) -> tuple[str, str | None]:
    """Paragraphs and table rows in document order; headings are paragraphs of their own."""
    document = docx.Document(io.BytesIO(data))
    numbering = document.part.numbering_part.element
    counters: dict[tuple[int, int], int] = {}
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines += _table_rows(item)
        elif text := _one_line(item.text):
            lines.append(_list_marker(item, numbering, counters) + text)
    title = (document.core_properties.title or "").strip() or None
    return "\n".join(line for line in lines if line), title


def _list_marker(paragraph: Paragraph, numbering, counters: dict[tuple[int, int], int]) -> str:
    """A list paragraph's marker as Markdown writes it ("- ", "2. "), from its numbering (its
    own, or its style's); "" for other paragraphs."""
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None or not num_pr.numId.val:
        return ""
    num_id, level = num_pr.numId.val, num_pr.ilvl.val if num_pr.ilvl is not None else 0
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    kind = (
        numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
            "/w:numFmt/@w:val"
        )
        if abstract
        else []
    )
    if not kind or kind[0] == "none":
        return ""
    if kind[0] == "bullet":
        return "- "
    for key in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[key]  # a deeper level starts again under each item
    counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
    return f"{counters[(num_id, level)]}. "


def _table_rows(table: Table) -> list[str]:
    """One line per row (``index.tables.grid_lines``): python-docx gives a merged cell at
    every grid position it covers, so positions holding one cell share its XML element."""
    grid = [
        [Slot(_one_line(cell.text), cell._tc, _repeats(row)) for cell in row.cells]
        for row in table.rows
    ]
    return grid_lines(grid)


def _repeats(row: _Row) -> bool:
    """Whether Word repeats the row as a header on every page (how DOCX marks header rows)."""
    props = row._tr.trPr
    mark = props.find(qn("w:tblHeader")) if props is not None else None
    return mark is not None and mark.get(qn("w:val"), "true") not in ("0", "false", "off")


_CJK = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r]*\n\s*(?=[{_CJK}])")


def _one_line(text: str) -> str:
    """Whitespace collapsed to single spaces; a line break between two CJK characters goes
    (as CSS does with segment breaks in East Asian text)."""
    return " ".join(_CJK_BREAK.sub("", text).split())


# Never the article's text: code, forms, navigation, page chrome, asides and hidden parts.
_JUNK = (
    "script,style,noscript,template,iframe,object,embed,svg,canvas,form,button,select,"
    "textarea,dialog,nav,aside,[hidden],[aria-hidden=true],[role=navigation],[role=search],"
    "[role=complementary],[role=dialog],[role=alertdialog],[role=banner],[role=contentinfo],"
    '[style*="display:none"],[style*="display: none"],[style*="visibility:hidden"]'
)
_JUNK_NAMES = re.compile(
    r"cookie|consent|gdpr|(?:^|[\s_-])(?:sidebar|breadcrumbs?|share|social|newsletter|related"
    r"|advert\w*|ads?|popup|modal|navbar|menu|skip-link)(?:$|[\s_-])",
    re.I,
)
_BLOCKS = (
    "p,div,section,article,main,header,footer,h1,h2,h3,h4,h5,h6,ul,ol,li,dl,dt,dd,table,tr,"
    "caption,blockquote,pre,figure,figcaption,address,details,summary,hr,br"
)
_LINE = "\u2029"  # marks where a block element starts or ends


def read_html(data: bytes) -> tuple[str, str | None]:
    """The main text of an HTML page, one block element per line, and its <title>."""
    tree = LexborHTMLParser(decode_html(data))
    title_node = tree.css_first("head title") or tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node else ""
    if not title:
        og = tree.css_first('meta[property="og:title"]')
        title = " ".join((og.attributes.get("content") or "").split()) if og else ""
    junk = tree.css(_JUNK) + [
        node
        for node in tree.css("[class],[id]")
        if node.tag not in ("html", "body", "main", "article")
        and _JUNK_NAMES.search(f"{node.attributes.get('class') or ''} {node.id or ''}")
    ]
    _remove(junk)
    root = _main_node(tree)
    if root is None:
        return "", title or None
    if root.tag == "body":
        _remove(root.css("header,footer"))
    for table in root.css("table"):
        if len(table.css("table")) == 1:  # itself: a layout table holding others is read as text
            lines = grid_lines(_html_grid(table))
            table.replace_with(_LINE + _LINE.join(lines) + _LINE)
    for node in root.css(_BLOCKS):
        node.insert_before(_LINE)
        node.insert_after(_LINE)
    _mark_items(root)
    for cell in root.css("td,th"):
        cell.insert_after(" ")
    text = root.text(deep=True, separator="")
    lines = (_one_line(part) for part in text.split(_LINE))
    return "\n".join(_items_joined(line for line in lines if line)), title or None


_ITEM = "\u2063"  # ends a list item's marker, so a marker alone on its line joins the next


MAX_SPAN = 100  # columns a cell may span (a malformed colspan must not blow up the grid)


def _html_grid(table: LexborNode) -> list[list[Slot]]:
    """The table's grid, a cell repeated at every position its rowspan and colspan cover."""
    rows = table.css("tr")
    taken: dict[tuple[int, int], Slot] = {}
    for r, tr in enumerate(rows):
        c = 0
        for n, cell in enumerate(tr.css("td,th")):
            while (r, c) in taken:
                c += 1
            down = _span(cell.attributes.get("rowspan"), len(rows) - r)
            across = _span(cell.attributes.get("colspan"), MAX_SPAN)
            head = cell.tag == "th" or (tr.parent is not None and tr.parent.tag == "thead")
            slot = Slot(_one_line(cell.text(deep=True)), (r, n), head)
            for i in range(r, r + down):
                for j in range(c, c + across):
                    taken[(i, j)] = slot
            c += across
    width = max((j for _, j in taken), default=-1) + 1
    # an empty position is a cell of its own, keyed apart from every real cell's (r, n)
    return [
        [taken.get((r, j), Slot("", ("empty", r, j))) for j in range(width)]
        for r in range(len(rows))
    ]


def _span(value: str | None, most: int) -> int:
    """A rowspan or colspan: 1 when missing or not a number, at most ``most`` (0, "to the end
    of the table", is ``most``)."""
    try:
        n = int(value or 1)
    except ValueError:
        return 1
    return most if n == 0 else max(1, min(n, most))


def _mark_items(root: LexborNode) -> None:
    """Each list item starts with its marker, as in Markdown ("- ", "2. "): the answerer
    quotes the items a sentence introduces, and knows them by their markers."""
    numbered: dict[int, str] = {}
    for ordered in root.css("ol"):
        start = (ordered.attributes.get("start") or "").strip()
        first = int(start) if start.isdigit() else 1
        items = (node for node in ordered.iter() if node.tag == "li")
        numbered |= {item.mem_id: f"{first + k}. " for k, item in enumerate(items)}
    for item in root.css("li"):
        item.insert_before(numbered.get(item.mem_id, "- ") + _ITEM)


def _items_joined(lines: Iterator[str]) -> list[str]:
    """The lines with a list item's marker joined to the item's text (a block inside the item
    puts a line break between them)."""
    out: list[str] = []
    pending = ""
    for line in lines:
        marker, found, rest = line.partition(_ITEM)
        if found and not rest.strip():
            pending = marker
            continue
        out.append(marker + rest.strip() if found else pending + line)
        pending = ""
    return out


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """<main>, [role=main] or the longest <article>, when they hold text; else <body>."""
    for selector in ("main", "[role=main]", "article"):
        found = [node for node in tree.css(selector) if node.text(deep=True).strip()]
        if found:
            return max(found, key=lambda node: len(node.text(deep=True)))
    return tree.body


def _remove(nodes: list[LexborNode]) -> None:
    """Remove ``nodes``, each once: a node inside another removed node goes with it."""
    chosen = {node.mem_id for node in nodes}
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in chosen:
            parent = parent.parent
        if parent is None:
            node.decompose()


def decode_html(data: bytes) -> str:
    """The page as text: by its BOM, else its declared charset, else UTF-8 (bad bytes replaced)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", data[:4096], re.I)
    if declared:
        label = declared[1].decode("ascii").lower()
        # As browsers do: GB2312/GBK read as GB18030, Big5 as Big5-HKSCS, Latin-1 as
        # Windows-1252, and a UTF-16 label on bytes without a BOM as UTF-8.
        aliases = {
            "gb2312": "gb18030",
            "gbk": "gb18030",
            "big5": "big5hkscs",
            "iso-8859-1": "cp1252",
            "utf-16": "utf-8",
            "utf-16le": "utf-8",
            "utf-16be": "utf-8",
        }
        label = aliases.get(label, label)
        try:
            return data.decode(codecs.lookup(label).name, "replace")
        except LookupError:
            pass
    return data.decode("utf-8", "replace")
