"""Markdown and HTML of a drafted monitoring update (``cases.updates.Update``)."""

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

if TYPE_CHECKING:  # cases.updates imports this module
    from .updates import Link, Update


def _md_escape(text: str) -> str:
    for char in ("\\", "*", "_", "[", "]", "`", "<", ">"):
        text = text.replace(char, f"\\{char}")
    return text


def _md_links(links: list["Link"]) -> str:
    if not links:
        return ""
    return " (" + ", ".join(f"[{_md_escape(link.title)}](<{link.url}>)" for link in links) + ")"


def render_markdown(update: "Update") -> str:
    lines = [f"# {update.title}", ""]
    lines.append(f"Drafted from the records visible at the {update.level_name} level.")
    lines.append("")
    if update.summary:
        lines.append("**In this period:** " + "; ".join(update.summary) + ".")
    else:
        lines.append("Nothing was documented in this period.")
    for section in update.sections:
        lines += ["", f"## {section.title}"]
        if not section.parts:
            lines += ["", "Nothing documented in this period."]
        for part in section.parts:
            lines += ["", f"### {part.title}", ""]
            for group, items in part.groups():
                if group:
                    lines.append(f"- **{_md_escape(group)}**")
                for item in items:
                    indent = "  " if group else ""
                    lines.append(f"{indent}- {_md_escape(item.text)}{_md_links(item.sources)}")
    return "\n".join(lines) + "\n"


def html_links(links: list["Link"]) -> str:
    if not links:
        return ""
    anchors = format_html_join(
        ", ", '<a href="{}" rel="noopener noreferrer">{}</a>', ((link.url, link.title) for link in links)
    )
    return format_html(" ({})", anchors)


def render_html(update: "Update", *, document: bool = False) -> str:
    """The draft as HTML: a fragment for the admin page, or a whole document."""
    template = "admin/cases/update_draft_document.html" if document else "admin/cases/update_draft_body.html"
    return render_to_string(template, {"update": update})
