"""The written Word and Excel files, opened and read as a reader (or an attacker) would."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from coprod_gui.core.errors import Cancelled
from coprod_gui.core.results import Level
from coprod_gui.core.types import Mapping
from coprod_gui.report.brief import build_brief
from coprod_gui.report.export import export_all
from coprod_gui.report.options import BriefOptions
from coprod_gui.report.xlsx_writer import write_xlsx

from .conftest import (
    HIDDEN_TEXTS,
    PAYLOAD,
    SECONDARY_COUNCIL,
    SMALL_COUNCIL,
    make_hand_result,
)

PAYLOADS = (
    PAYLOAD,
    "=1+1",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1",
    "-1",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "ok\n=1+1",
)


def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    d = docx.Document(str(path))
    return [(p.style.name if p.style is not None else "", p.text) for p in d.paragraphs]


def _docx_all_text(path: Path) -> str:
    """Every text a reader could see: paragraphs, tables, alt text, footer, properties."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    parts += _alt_texts(path)
    cp = d.core_properties
    parts += [cp.title or "", cp.subject or "", cp.author or "", cp.comments or ""]
    return "\n".join(parts)


def _alt_texts(path: Path) -> list[str]:
    d = docx.Document(str(path))
    return [s._inline.docPr.get("descr") or "" for s in d.inline_shapes]


def _xlsx_values(path: Path) -> list[tuple[str, str, object, str]]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append((ws.title, c.coordinate, c.value, c.data_type))
    wb.close()
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The hand result exported once for the read-only checks of this module."""
    out = tmp_path_factory.mktemp("export")
    seen: list[float] = []
    options = BriefOptions(
        council_name="Test Borough Council", survey_name="Residents' Survey 2026"
    )
    files = export_all(make_hand_result(), out, options, progress=lambda f, m: seen.append(f))
    files["_progress"] = seen  # type: ignore[assignment]
    return files


def test_export_writes_both_files(written) -> None:
    out = written["docx"].parent
    assert {k: v for k, v in written.items() if k != "_progress"} == {
        "docx": out / "brief.docx",
        "xlsx": out / "results.xlsx",
    }
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    seen = written["_progress"]
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_docx_headings_and_key_messages(written, hand_result) -> None:
    paras = _docx_paragraphs(written["docx"])
    styles = {s for s, _ in paras}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet"} <= styles
    headings = [t for s, t in paras if s.startswith("Heading")]
    for h in (
        "Key messages",
        "How common is co-production?",
        "By council",
        "What the council could try",
        "Caveats",
        "Technical appendix",
        "Methods",
    ):
        assert h in headings
    i = next(k for k, (s, t) in enumerate(paras) if s == "Heading 1" and t == "Key messages")
    key = []
    for s, t in paras[i + 1 :]:
        if s.startswith("Heading"):
            break
        key.append((s, t))
    bullets = [t for s, t in key if s == "List Bullet"]
    assert 3 <= len(bullets) <= 6
    assert [s for s, _ in key][: len(bullets)] == ["List Bullet"] * len(bullets)
    key_text = "\n".join(t for _, t in key)
    for form in ("individual", "collective"):
        assert f"{hand_result.levels[form].percent:.0f}%" in key_text
    assert "18 percentage points" in key_text
    # The self-test reads the file the same way.
    from coprod_gui import selftest

    blocks = selftest._docx_blocks(written["docx"])
    assert any(h and "key" in t.lower() for h, t in blocks)


def test_docx_tables_charts_footer_properties(written) -> None:
    d = docx.Document(str(written["docx"]))
    assert len(d.tables) >= 6
    assert all(t.style is not None and t.style.name == "Light Grid Accent 1" for t in d.tables)
    alts = _alt_texts(written["docx"])
    assert len(alts) == 3 and all(len(a) > 40 for a in alts)
    assert alts[0].startswith("Line chart of the expected share")  # next to its key message
    assert any(a.startswith("Dot chart of the share of residents") for a in alts)
    footer_xml = d.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    cp = d.core_properties
    assert cp.author == "Co-production Analyser"
    assert cp.title == "Co-production in Test Borough Council"
    assert cp.subject and not cp.last_modified_by and not cp.comments
    with zipfile.ZipFile(written["docx"]) as z:
        props = z.read("docProps/core.xml").decode()
    assert "python-docx" not in props
    assert str(Path.home()) not in props and "/tmp" not in props


def test_docx_a4_en_gb_captions_no_spacers(written) -> None:
    """A4, en-GB, every figure and table title in the Caption style right before it, and no
    empty spacer paragraphs (the old brief: US Letter, en-US, titles as Normal text)."""
    from docx.shared import Mm

    d = docx.Document(str(written["docx"]))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(1) and abs(sec.page_height - Mm(297)) < Mm(1)
    styles_xml = d.styles.element.xml
    assert 'w:val="en-GB"' in styles_xml and "en-US" not in styles_xml
    body = d.element.body
    blocks = [el for el in body.iterchildren() if el.tag.endswith(("}p", "}tbl"))]
    paras = {p._p: p for p in d.paragraphs}
    captions = 0
    for k, el in enumerate(blocks):
        is_table = el.tag.endswith("}tbl")
        p = paras.get(el)
        has_picture = p is not None and bool(p._p.xpath(".//pic:pic"))
        if is_table or has_picture:
            before = paras.get(blocks[k - 1])
            assert before is not None and before.style.name == "Caption", (k, is_table)
            assert re.match(r"(Figure \d+|Table A?\d+): ", before.text), before.text
            captions += 1
        if p is not None and not has_picture:
            assert p.text.strip() or p._p.xpath(".//w:br"), f"empty paragraph at block {k}"
    assert captions == len(d.tables) + len(d.inline_shapes)
    titles = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    assert all(len(t.split(": ", 1)[1].split()) <= 10 for t in titles), titles
    text = "\n".join(p.text for p in d.paragraphs)
    assert text.count("Source: Residents' Survey 2026; base: ") >= len(d.inline_shapes)


def test_xlsx_follows_the_spreadsheet_guidance(written) -> None:
    """Cover, contents and notes; a title in A1 of every sheet; every data sheet one Excel
    table (no merged cells, no blank rows); print set-up; p-values as <0.001."""
    wb = openpyxl.load_workbook(written["xlsx"])
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    cover = "\n".join(str(c.value) for c in wb["Cover"]["A"] if c.value)
    for want in ("Co-production in Test Borough Council", "Survey: Residents' Survey 2026",
                 "Published: "):
        assert want in cover
    for ws in wb.worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value, ws.title
        assert not ws.merged_cells.ranges, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        if ws.title == "Cover":
            continue
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        first, last = table.ref.split(":")
        top = int(re.sub(r"\D", "", first))
        bottom = int(re.sub(r"\D", "", last))
        assert bottom == ws.max_row, ws.title  # nothing below the table
        assert ws.print_title_rows.replace("$", "") == f"{top}:{top}", ws.title
        assert ws.freeze_panes == f"A{top + 1}", ws.title
        for r in range(top, bottom + 1):  # no blank rows inside the table
            assert any(c.value is not None for c in ws[r]), (ws.title, r)
        header = [c.value for c in ws[top] if c.value is not None]
        assert len(header) == len(set(header)), ws.title
    contents = [r[0] for r in wb["Contents"].iter_rows(values_only=True)]
    assert all(name in contents for name in wb.sheetnames if name not in ("Cover", "Contents"))
    p_cells = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row
        if isinstance(c.value, float) and "0.000" in c.number_format
    ]
    assert p_cells and all('[<0.001]"<0.001"' in c.number_format for c in p_cells)
    chart = wb["Chart"]._charts[0]
    fills = [s.graphicalProperties for s in chart.series]
    assert fills[0].solidFill is not None and fills[1].pattFill is not None  # not colour alone
    wb.close()


def test_xlsx_sheets_and_layout(written) -> None:
    wb = openpyxl.load_workbook(written["xlsx"])
    assert wb.sheetnames == [
        "Cover", "Contents", "Notes", "Summary", "Levels", "Chart", "Links", "Models",
        "Comparison", "Evidence", "Data quality", "Mapping",
    ]
    for ws in wb.worksheets:
        assert ws.sheet_state == "visible"
        assert ws.column_dimensions["A"].width >= 10
    levels = wb["Levels"]
    rows = list(levels.iter_rows(values_only=True))
    overall = [r for r in rows if r[0] == "All residents"]
    assert [r[3] for r in overall] == [76.3, 23.8]
    first = next(c for c in levels["A"] if c.value == "All residents")
    assert levels.cell(row=first.row, column=4).number_format == "0.0"
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Key message"]
    assert summary and summary[3][3] in ("efficacy", "consultation_satisfaction")
    links = [r for r in wb["Links"].iter_rows(values_only=True) if r[0] == "efficacy"]
    assert ("efficacy", "Feeling able to make a difference", "collective", 18.3) in [
        r[:4] for r in links
    ]
    verdicts = {r[0]: r[11] for r in wb["Comparison"].iter_rows(values_only=True) if r[2] == "log-odds"}
    assert verdicts["efficacy"] == "collective" and verdicts["age"] == "opposite"
    drivers = wb["Models"]
    eff = [r for r in drivers.iter_rows(values_only=True) if r[2] == "efficacy"]
    assert {(r[1], r[4]) for r in eff} >= {("collective", 16.4), ("collective", 18.3)}
    assert wb.properties.creator == "Co-production Analyser"
    assert not wb.properties.lastModifiedBy
    wb.close()
    with zipfile.ZipFile(written["xlsx"]) as z:
        names = z.namelist()
    assert not any("comments" in n or "pivotCache" in n for n in names)


def test_small_council_absent_from_every_output(written) -> None:
    text = _docx_all_text(written["docx"])
    for hidden in HIDDEN_TEXTS:
        assert hidden not in text, hidden
    values = _xlsx_values(written["xlsx"])
    for sheet, coord, v, _t in values:
        if isinstance(v, float):
            for pct in (85.71, 42.86, 65.79, 13.16, -11.77, 8.83):
                assert abs(v - pct) > 0.005, (sheet, coord, v)
        else:
            for hidden in HIDDEN_TEXTS:
                assert hidden not in str(v), (sheet, coord, v)
    wb = openpyxl.load_workbook(written["xlsx"])
    levels = list(wb["Levels"].iter_rows(values_only=True))
    # the small and the secondary council: one unnamed row (issue 12), no figures
    assert not [r for r in levels if r[1] in (SMALL_COUNCIL, SECONDARY_COUNCIL)]
    rows = [r for r in levels if r[0] == "Council" and r[1] == "Another answer"]
    assert rows and all(r[3] == "not shown" and r[6] == "not shown" for r in rows)
    terms = [r[2] for r in wb["Models"].iter_rows(values_only=True)]
    assert f"authority={SMALL_COUNCIL}" not in terms
    wb.close()


def test_formula_payloads_stay_text(hand_result, brief_options, tmp_path) -> None:
    # Payloads in a council name, question texts and column names (mapping).
    for form in ("individual", "collective"):
        by = hand_result.levels_by["authority"][form]
        by[PAYLOAD] = by.pop("Eastfield")
    hand_result.authorities[PAYLOAD] = hand_result.authorities.pop("Eastfield")
    for item, bad in zip(hand_result.item_levels, PAYLOADS, strict=False):
        item.question = bad
    hand_result.mapping.columns["informed"] = list(PAYLOADS)
    hand_result.warnings.append("@SUM(1+1) in a warning")
    files = export_all(hand_result, tmp_path, brief_options)
    values = _xlsx_values(files["xlsx"])
    assert not [v for v in values if v[3] == "f"]
    texts = {v[2] for v in values if isinstance(v[2], str)}
    assert PAYLOAD in texts and "@SUM(1+1)" in texts
    with zipfile.ZipFile(files["xlsx"]) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml and "<hyperlink" not in xml
    wb = openpyxl.load_workbook(files["xlsx"])
    risky = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value in PAYLOADS
    ]
    assert risky and all(c.quotePrefix for c in risky)
    wb.close()
    assert PAYLOAD in _docx_all_text(files["docx"])  # shown as text in Word


def test_control_characters_and_cell_limit(hand_result, brief_options, tmp_path) -> None:
    hand_result.item_levels[0].question = "Bell\x07 and null\x00 here"
    hand_result.quality.issues[0].message = "x" * 40_000
    brief = build_brief(hand_result, brief_options)
    path = write_xlsx(brief, hand_result, tmp_path / "r.xlsx", brief_options)
    values = _xlsx_values(path)
    texts = [v[2] for v in values if isinstance(v[2], str)]
    assert "Bell and null here" in texts
    long = [t for t in texts if t.startswith("xxxx")]
    assert len(long[0]) <= 32_767 and long[0].endswith("[cut: the full text was 40,000 characters]")
    assert any("32,767-character limit" in t for t in texts)  # a note on the Summary sheet
    export_all(hand_result, tmp_path / "both", brief_options)  # Word accepts it too


def test_mapping_sheet_lists_headers_only(written, hand_result) -> None:
    wb = openpyxl.load_workbook(written["xlsx"])
    rows = list(wb["Mapping"].iter_rows(min_row=4, values_only=True))
    cols = {(r[0], r[2]) for r in rows if r[0]}
    assert ("efficacy", "eff1") in cols and ("respondent_id", "resp_id") in cols
    assert wb["Mapping"].max_row < 30  # constructs and columns, no data rows
    wb.close()


def test_export_cancel(hand_result, tmp_path) -> None:
    with pytest.raises(Cancelled):
        export_all(hand_result, tmp_path, is_cancelled=lambda: True)
    assert not (tmp_path / "results.xlsx").exists()


def test_demo_export_numbers_agree_with_results(demo_result, tmp_path) -> None:
    files = export_all(demo_result, tmp_path, BriefOptions())
    doc = demo_result.to_dict()
    paras = _docx_paragraphs(files["docx"])
    i = next(k for k, (s, t) in enumerate(paras) if t == "Key messages")
    key_text = "\n".join(t for s, t in paras[i + 1 : i + 6] if s == "List Bullet")
    for form in ("individual", "collective"):
        assert f"{doc['levels'][form]['percent']:.0f}%" in key_text
    assert len(_alt_texts(files["docx"])) == 3
    values = _xlsx_values(files["xlsx"])
    assert not [v for v in values if v[3] == "f"]
    nums = re.findall(r"\d+", "".join(str(v[2]) for v in values if v[0] == "Mapping"))
    assert len(nums) < 200  # headers only, never a column of answers


def test_bases_unweighted_and_effective(hand_result, tmp_path) -> None:
    # Unweighted survey: the effective base equals the unweighted base.
    files = export_all(hand_result, tmp_path / "u")
    wb = openpyxl.load_workbook(files["xlsx"])
    row = next(r for r in wb["Levels"].iter_rows(values_only=True) if r[0] == "All residents")
    assert row[6] == 800 and row[7] == 800
    wb.close()
    # Weighted: a large group with a small effective base carries a caution everywhere.
    hand_result.weighted = True
    north = hand_result.levels_by["authority"]["individual"]["Northbury"]
    north.effective_base = 41.6
    files = export_all(hand_result, tmp_path / "w")
    wb = openpyxl.load_workbook(files["xlsx"])
    row = next(
        r
        for r in wb["Levels"].iter_rows(values_only=True)
        if r[1] == "Northbury" and r[2] == "Doing things for themselves"
    )
    assert row[6] == 415 and row[7] == 41.6 and row[8].startswith("Treat with caution")
    wb.close()
    text = _docx_all_text(files["docx"])
    assert "Treat with caution: under 50 answers" in text


def test_one_file_per_council_hides_the_small_file(hand_result, tmp_path) -> None:
    hand_result.quality.rows_per_file = {
        "northbury.csv": 420,
        "smallham.csv": 7,
        "westmoor.csv": 38,
    }
    for form in ("individual", "collective"):
        hand_result.models[form].terms["gender=Other"] = hand_result.models[form].terms[
            "gender=Female"
        ]
        hand_result.levels_by["gender"][form]["Other"] = Level(33.3, 10.0, 70.0, 6)
    files = export_all(hand_result, tmp_path)
    values = _xlsx_values(files["xlsx"])
    rows = {v[2]: v for v in values if v[0] == "Data quality"}
    assert "smallham.csv" in rows
    cells = [v for v in values if v[0] == "Data quality" and v[2] in (7, 38)]
    assert cells == []
    terms = [v[2] for v in values if v[0] == "Models"]
    assert "gender=Other" not in terms and "gender=Female" in terms
    text = _docx_all_text(files["docx"])
    assert "Gender: Other" not in text and "'Other'" not in text


def test_thin_result_still_gives_a_brief(tmp_path) -> None:
    """One council, one form, no models: the brief says what it can and nothing breaks."""
    from coprod_gui.core.results import AnalysisResult

    thin = AnalysisResult(
        n_respondents=120,
        authorities={"Onlyton": 120},
        weighted=False,
        threshold="sometimes",
        levels={"individual": Level(40.0, 31.7, 48.9, 120)},
        item_levels=[],
        levels_by={},
        indices={},
        indices_by_area={},
        models={},
        participation={},
        comparison={},
        mapping=Mapping(columns={"authority": ["council"]}),  # named by a council column
    )
    files = export_all(thin, tmp_path)
    paras = [t for _, t in _docx_paragraphs(files["docx"])]
    assert paras[0] == "Co-production in Onlyton"
    assert any("About 2 in 5 residents (40%)" in t for t in paras)
    assert "None of the views we looked at shows a clear gap of 5 percentage points or more." in paras
    assert "The survey did not allow the two forms to be compared." in paras
    alts = _alt_texts(files["docx"])
    assert any("not available" in a or "no links" in a for a in alts)


def test_a_file_name_is_never_called_the_council(tmp_path) -> None:
    """One file and no council column: its name ('GSS2010') was printed as the council, in
    the title ('Co-production in GSS2010'), on the title page and in the workbook."""
    import openpyxl

    from coprod_gui.core.results import AnalysisResult

    one_file = AnalysisResult(
        n_respondents=120,
        authorities={"GSS2010": 120},  # what stacking gives a file without a council column
        weighted=False,
        threshold="sometimes",
        levels={"individual": Level(40.0, 31.7, 48.9, 120)},
        item_levels=[],
        levels_by={"authority": {"individual": {"GSS2010": Level(40.0, 31.7, 48.9, 120)}}},
        indices={},
        indices_by_area={},
        models={},
        participation={},
        comparison={},
    )
    files = export_all(one_file, tmp_path)
    paras = [t for _, t in _docx_paragraphs(files["docx"])]
    assert paras[0] == "Co-production: resident survey findings"
    assert not any("GSS2010" in t for t in paras)
    wb = openpyxl.load_workbook(files["xlsx"], read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "GSS2010" not in cells
