"""The OCL merge on real rendered projects: base is a render, ours and theirs are edits of it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_shared

from octoscaffold import scaffold
from octoscaffold.ocl import (
    Attribute,
    Block,
    Dictionary,
    Entry,
    OclError,
    String,
    canonical,
    parse,
    runbook_hint,
    write,
)
from octoscaffold.ocl.writer import quote
from octoscaffold.update.merge import (
    WHOLE_FILE,
    Change,
    FileMerge,
    merge_documents,
    merge_file,
)

PROMPTS = {
    "lambda": 'Create an AWS Lambda project called "OctoPub SAM"',
    "kubernetes": 'Create a Kubernetes project called "Web Shop"',
    "terraform": 'Create a Terraform project called "Infra"',
}
PROCESS = "deployment_process.ocl"
VARIABLES = "variables.ocl"


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, str]]:
    """kind → {path: text} of the OCL files of a real render."""
    out = {}
    for kind, prompt in PROMPTS.items():
        files = scaffold.build(scaffold.plan(prompt)).files
        out[kind] = {path: text for path, text in files.items() if path.endswith(".ocl")}
    return out


@pytest.fixture(scope="module")
def project(rendered) -> dict[str, str]:
    return rendered["lambda"]


def named(files: dict[str, str], suffix: str) -> tuple[str, str]:
    [path] = [path for path in files if path.endswith("/" + suffix)]
    return path, files[path]


# ---- editing helpers -------------------------------------------------------------------------------


def text_of(doc, path: str) -> str:
    return write(doc, runbook=runbook_hint(path))


def step(doc, slug: str) -> Block:
    return next(block for block in doc.blocks("step") if block.labels == [slug])


def step_names(text: str) -> list[str]:
    return [block.labels[0] for block in parse(text).blocks("step")]


def properties(doc, slug: str) -> Dictionary:
    return next(step(doc, slug).blocks("action")).get("properties")


def set_property(doc, slug: str, key: str, value: str) -> None:
    entries = properties(doc, slug).entries
    for entry in entries:
        if entry.key == key:
            entry.value = String(value)
            return
    entries.append(Entry(key, String(value)))


def prop(text: str, slug: str, key: str) -> str | None:
    found = properties(parse(text), slug).get(key)
    return None if found is None else found.value


def variable(doc, name: str) -> Block:
    return next(block for block in doc.blocks("variable") if block.labels == [name])


def value_block(doc, name: str, label: str) -> Block:
    return next(block for block in variable(doc, name).blocks("value") if block.labels == [label])


def new_step(slug: str, script: str = "echo hello") -> Block:
    props = Dictionary([Entry("Octopus.Action.Script.ScriptBody", String(script))])
    action = Block("action", [], [Attribute("action_type", String("Octopus.Script")), Attribute("properties", props)])
    return Block("step", [slug], [Attribute("name", String(slug.title())), action])


def insert_after(doc, slug: str, block: Block) -> None:
    doc.body.insert(doc.body.index(step(doc, slug)) + 1, block)


def paths(changes: list[Change]) -> list[str]:
    return [change.path for change in changes]


def no_reports(result: FileMerge) -> bool:
    return not (result.applied or result.kept or result.untouched or result.conflicts)


# ---- three-way: edits on both sides ----------------------------------------------------------------


def test_unchanged_sides_give_the_render_back(rendered):
    for files in rendered.values():
        for path, text in files.items():
            result = merge_file(path, text, text, text)
            assert result.text == text and no_reports(result), path


def test_user_property_and_catalog_step_are_both_in_the_result(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    set_property(ours, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")
    insert_after(theirs, "upload-lambda-package", new_step("smoke-test"))

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.conflicts == [] and not result.markers
    assert result.text == canonical(result.text, path)
    assert prop(result.text, "check-aws-access", "Octopus.Action.Aws.Region") == "eu-west-1"
    names = step_names(result.text)
    assert names[names.index("upload-lambda-package") + 1] == "smoke-test"
    assert paths(result.applied) == ['step "smoke-test"']
    assert result.applied[0].kind == "added" and result.applied[0].base is None
    assert paths(result.kept) == ['step "check-aws-access" › action › properties["Octopus.Action.Aws.Region"]']
    assert result.kept[0].base == '"#{Project.AWS.Region}"' and result.kept[0].ours == '"eu-west-1"'


def test_catalog_change_is_applied_and_user_change_kept(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    set_property(ours, "deploy-lambda-sam-template", "Octopus.Action.Aws.WaitForCompletion", "False")
    set_property(theirs, "deploy-lambda-sam-template", "Octopus.Action.Aws.AssumeRole", "True")
    next(step(theirs, "check-aws-access").blocks("action")).attribute("notes").value = String("Checks the account.")

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.conflicts == []
    assert prop(result.text, "deploy-lambda-sam-template", "Octopus.Action.Aws.WaitForCompletion") == "False"
    assert prop(result.text, "deploy-lambda-sam-template", "Octopus.Action.Aws.AssumeRole") == "True"
    assert 'notes = "Checks the account."' in result.text
    assert paths(result.applied) == [
        'step "check-aws-access" › action › notes',
        'step "deploy-lambda-sam-template" › action › properties["Octopus.Action.Aws.AssumeRole"]',
    ]
    assert [change.kind for change in result.applied] == ["changed", "changed"]
    assert paths(result.kept) == ['step "deploy-lambda-sam-template" › action › properties["Octopus.Action.Aws.WaitForCompletion"]']


def test_same_property_changed_differently_is_a_conflict(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    key = "Octopus.Action.Manual.BlockConcurrentDeployments"
    set_property(ours, "approve-production-deployment", key, "True")
    set_property(theirs, "approve-production-deployment", key, "Maybe")

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.conflicts == [
        Change(f'step "approve-production-deployment" › action › properties["{key}"]', "changed", '"False"', '"True"', '"Maybe"')
    ]
    # Without markers the text is the resolution keeping ours' side (a caller does not write it).
    assert not result.markers and prop(result.text, "approve-production-deployment", key) == "True"


def test_same_change_on_both_sides_is_not_a_conflict(project):
    path, base = named(project, PROCESS)
    edited = parse(base)
    set_property(edited, "approve-production-deployment", "Octopus.Action.Manual.BlockConcurrentDeployments", "True")
    text = text_of(edited, path)

    result = merge_file(path, base, text, text)

    assert result.text == text and no_reports(result)


def test_catalog_removes_a_variable(project):
    path, base = named(project, VARIABLES)
    theirs = parse(base)
    theirs.body.remove(variable(theirs, "Project.AWS.Lambda.FunctionName"))

    untouched = merge_file(path, base, base, text_of(theirs, path))
    assert untouched.text == text_of(theirs, path)
    assert [(c.path, c.kind, c.theirs) for c in untouched.applied] == [
        ('variable "Project.AWS.Lambda.FunctionName"', "removed", None)
    ]

    ours = parse(base)
    next(variable(ours, "Project.AWS.Lambda.FunctionName").blocks("value")).labels = ["my-function"]
    edited = merge_file(path, base, text_of(ours, path), text_of(theirs, path))
    assert [(c.path, c.kind, c.theirs) for c in edited.conflicts] == [
        ('variable "Project.AWS.Lambda.FunctionName"', "removed", None)
    ]
    assert 'my-function' in edited.conflicts[0].ours and "my-function" in edited.text


def test_user_removes_a_step(project):
    path, base = named(project, PROCESS)
    ours = parse(base)
    ours.body.remove(step(ours, "scan-for-vulnerabilities"))
    ours_text = text_of(ours, path)

    unchanged = merge_file(path, base, ours_text, base)
    assert unchanged.text == ours_text and unchanged.conflicts == []
    assert [(c.path, c.kind) for c in unchanged.kept] == [('step "scan-for-vulnerabilities"', "removed")]

    theirs = parse(base)
    set_property(theirs, "scan-for-vulnerabilities", "Octopus.Action.Script.Syntax", "PowerShell")
    changed = merge_file(path, base, ours_text, text_of(theirs, path))
    assert [(c.path, c.kind, c.ours) for c in changed.conflicts] == [('step "scan-for-vulnerabilities"', "removed", None)]
    assert "scan-for-vulnerabilities" not in step_names(changed.text)


def test_user_steps_and_variables_kept_and_catalog_step_goes_after_its_predecessor(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    # The user moves the approval to the end and adds a step of their own at the start.
    approval = step(ours, "approve-production-deployment")
    ours.body.remove(approval)
    ours.body.append(approval)
    ours.body.insert(0, new_step("notify-team"))
    insert_after(theirs, "check-aws-access", new_step("warm-cache"))

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.conflicts == []
    assert step_names(result.text) == [
        "notify-team",
        "check-aws-access",
        "warm-cache",
        "upload-lambda-package",
        "deploy-lambda-sam-template",
        "scan-for-vulnerabilities",
        "approve-production-deployment",
    ]
    assert paths(result.kept) == ['step "notify-team"'] and paths(result.applied) == ['step "warm-cache"']

    vpath, vbase = named(project, VARIABLES)
    mine = parse(vbase)
    mine.body.append(Block("variable", ["My.Own"], [Block("value", ["42"], [])]))
    merged = merge_file(vpath, vbase, text_of(mine, vpath), vbase)
    assert merged.text == text_of(mine, vpath)
    assert [(c.path, c.kind) for c in merged.kept] == [('variable "My.Own"', "added")]


def test_catalog_step_added_first_goes_first(project):
    path, base = named(project, PROCESS)
    theirs = parse(base)
    theirs.body.insert(0, new_step("preflight"))
    theirs.body.insert(1, new_step("preflight-two"))
    ours = parse(base)
    ours.body.reverse()

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert step_names(result.text)[:2] == ["preflight", "preflight-two"]
    assert step_names(result.text)[2:] == [block.labels[0] for block in ours.blocks("step")]


def test_catalog_reorder_is_applied_when_the_user_kept_the_order(project):
    path, base = named(project, PROCESS)
    theirs = parse(base)
    theirs.body.reverse()
    ours = parse(base)
    set_property(ours, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert step_names(result.text) == step_names(text_of(theirs, path))
    assert prop(result.text, "check-aws-access", "Octopus.Action.Aws.Region") == "eu-west-1"


def test_value_changed_for_a_scope_and_catalog_adds_a_scope(project):
    path, base = named(project, VARIABLES)
    ours, theirs = parse(base), parse(base)
    value_block(ours, "Project.AWS.Account", "aws-production").labels = ["aws-production-eu"]
    security = Block("value", ["aws-security"], [Attribute("environment", parse('x = ["security"]').get("x"))])
    variable(theirs, "Project.AWS.Account").body.append(security)

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.conflicts == []
    values = {tuple(v.labels): v for v in variable(parse(result.text), "Project.AWS.Account").blocks("value")}
    assert list(values) == [("aws-nonproduction",), ("aws-production-eu",), ("aws-security",)]
    assert values[("aws-production-eu",)].get("environment").python == ["production"]
    account = 'variable "Project.AWS.Account"'
    assert [(c.path, c.kind, c.base, c.ours) for c in result.kept] == [
        (f'{account} › value (environment = ["production"]) › label', "changed", '"aws-production"', '"aws-production-eu"')
    ]
    assert paths(result.applied) == [f'{account} › value (environment = ["security"])']

    theirs_too = parse(base)
    value_block(theirs_too, "Project.AWS.Account", "aws-production").labels = ["prod"]
    clash = merge_file(path, base, text_of(ours, path), text_of(theirs_too, path))
    assert [(c.ours, c.theirs) for c in clash.conflicts] == [('"aws-production-eu"', '"prod"')]


# ---- layout is not an edit -------------------------------------------------------------------------


def _plain(value) -> str:
    """A value as OCL text in a layout of its own: strings always quoted, dictionary keys quoted and reversed."""
    kind = type(value).__name__
    if kind == "String":
        return quote(value.value)
    if kind == "List":
        return "[" + ",".join(_plain(item) for item in value.items) + "]"
    if kind == "Dictionary":
        inner = "\n".join(f"\t{quote(entry.key)}   =   {_plain(entry.value)}" for entry in reversed(value.entries))
        return "{\n" + inner + "\n}"
    return {"Number": lambda: value.text, "Boolean": lambda: str(value.value).lower(), "Null": lambda: "null"}[kind]()


def ui_style(doc) -> str:
    """Another layout of the same document: blocks before attributes, attributes and dictionary keys
    in reverse order, tabs, extra blank lines, every string quoted."""
    out: list[str] = []

    def body(items, depth):
        pad = "\t" * depth
        blocks = [item for item in items if type(item) is Block]
        for block in blocks:
            labels = "".join(" " + quote(label) for label in block.labels)
            out.append(f"{pad}{block.name}{labels}   {{")
            body(block.body, depth + 1)
            out.extend([f"{pad}}}", ""])
        for item in reversed([item for item in items if type(item) is Attribute]):
            out.append(f"{pad}{item.name} = {_plain(item.value)}")

    body(doc.body, 0)
    return "\n\n".join(out) + "\n"


def test_a_ui_rewrite_of_ours_is_not_an_edit(rendered):
    for files in rendered.values():
        for path, base in files.items():
            theirs = parse(base)
            theirs.body.append(Block("step", ["added-by-catalog"], [Attribute("name", String("Added"))]))
            theirs_text = text_of(theirs, path)
            rewritten = ui_style(parse(base))
            assert rewritten != base
            if path.endswith(PROCESS):  # attribute order and heredocs differ in the raw trees too
                assert parse(rewritten) != parse(base)
            for ours in (rewritten, canonical(base, path) + "\n\n"):
                result = merge_file(path, base, ours, theirs_text)
                assert result.text == theirs_text, path
                assert result.kept == [] and result.conflicts == [] and paths(result.applied) == ['step "added-by-catalog"']


def test_runbook_files_keep_name_first(project):
    path, base = named(project, "delete-lambda-stack.ocl")
    ours, theirs = parse(base), parse(base)
    ours.attribute("description").value = String("Deletes the stack, carefully.")
    theirs.attribute("environments").value = parse('x = ["development", "test", "staging"]').get("x")

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert result.text.split("\n")[0] == 'name = "Delete Lambda Stack"'
    assert result.text == canonical(result.text, path)
    assert paths(result.applied) == ["environments"] and paths(result.kept) == ["description"]

    deeper = merge_file(path, base, base, base.replace('WaitForCompletion = "True"', 'WaitForCompletion = "False"'))
    assert paths(deeper.applied) == [
        'process › step "delete-lambda-stack" › action › properties["Octopus.Action.Aws.WaitForCompletion"]'
    ]


def test_unlabelled_blocks_are_matched_by_position(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    container = next(next(step(theirs, "check-aws-access").blocks("action")).blocks("container"))
    container.attribute("image").value = String("octopusdeploy/worker-tools:7.0.0-ubuntu.24.04")
    set_property(ours, "check-aws-access", "Octopus.Action.Script.Syntax", "PowerShell")

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

    assert paths(result.applied) == ['step "check-aws-access" › action › container › image']
    assert "worker-tools:7.0.0" in result.text and prop(result.text, "check-aws-access", "Octopus.Action.Script.Syntax") == "PowerShell"


# ---- two-way (no base) -----------------------------------------------------------------------------


def test_two_way_adds_what_is_missing_and_leaves_the_rest(project):
    path, theirs = named(project, PROCESS)
    ours = parse(theirs)
    ours.body.remove(step(ours, "upload-lambda-package"))
    del properties(ours, "deploy-lambda-sam-template").entries[0]  # Octopus.Action.Aws.AssumeRole
    set_property(ours, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")
    ours.body.append(new_step("my-own-step"))

    result = merge_file(path, "ignored: base is not read in two-way", text_of(ours, path), theirs, two_way=True)

    assert result.conflicts == [] and result.kept == []
    assert step_names(result.text) == step_names(theirs) + ["my-own-step"]
    assert prop(result.text, "deploy-lambda-sam-template", "Octopus.Action.Aws.AssumeRole") == "False"
    assert prop(result.text, "check-aws-access", "Octopus.Action.Aws.Region") == "eu-west-1"
    assert sorted(paths(result.applied)) == [
        'step "deploy-lambda-sam-template" › action › properties["Octopus.Action.Aws.AssumeRole"]',
        'step "upload-lambda-package"',
    ]
    assert [(c.path, c.ours, c.theirs) for c in result.untouched] == [
        (
            'step "check-aws-access" › action › properties["Octopus.Action.Aws.Region"]',
            '"eu-west-1"',
            '"#{Project.AWS.Region}"',
        )
    ]


def test_two_way_never_conflicts(project):
    path, theirs = named(project, VARIABLES)
    ours = parse(theirs)
    for block in ours.blocks("variable"):
        for value in block.blocks("value"):
            value.labels = ["mine"]
    merged, applied, kept, untouched, conflicts = merge_documents(None, ours, parse(theirs))
    assert conflicts == [] and applied == [] and kept == []
    assert merged == parse(text_of(ours, path))
    assert len(untouched) == sum(1 for block in ours.blocks("variable") for _ in block.blocks("value"))
    assert {change.path.rsplit(" › ", 1)[1] for change in untouched} == {"label"}


# ---- conflict markers ------------------------------------------------------------------------------


def test_markers_surround_only_the_conflicting_lines(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    key = "Octopus.Action.Manual.BlockConcurrentDeployments"
    set_property(ours, "approve-production-deployment", key, "True")
    set_property(theirs, "approve-production-deployment", key, "Maybe")
    set_property(theirs, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")  # no conflict

    result = merge_file(path, base, text_of(ours, path), text_of(theirs, path), markers=True)

    assert result.markers and len(result.conflicts) == 1
    lines = result.text.split("\n")
    start = lines.index("<<<<<<< ours")
    assert lines[start : start + 5] == [
        "<<<<<<< ours",
        f'            {key} = "True"',
        "=======",
        f'            {key} = "Maybe"',
        ">>>>>>> catalog",
    ]
    assert sum(line.startswith(("<<<<<<<", "=======", ">>>>>>>")) for line in lines) == 3
    outside = lines[:start] + lines[start + 5 :]
    resolved = "\n".join(lines[:start] + [lines[start + 1]] + lines[start + 5 :])
    assert f'{key} = "True"' not in "\n".join(outside)
    assert resolved == merge_file(path, base, text_of(ours, path), text_of(theirs, path)).text
    with pytest.raises(OclError):
        parse(result.text, path)


def test_markers_without_conflicts_give_plain_ocl(project):
    path, base = named(project, PROCESS)
    theirs = parse(base)
    set_property(theirs, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")
    result = merge_file(path, base, base, text_of(theirs, path), markers=True)
    assert not result.markers and parse(result.text, path) == theirs


def pick(marked: str, side: str) -> str:
    """The text with every marked hunk resolved to one side ("ours" or "catalog")."""
    out, keep = [], True
    for line in marked.split("\n"):
        if line in ("<<<<<<< ours", "=======", ">>>>>>> catalog"):
            keep = {"<<<<<<< ours": side == "ours", "=======": side == "catalog", ">>>>>>> catalog": True}[line]
        elif keep:
            out.append(line)
    return "\n".join(out)


def test_markers_in_a_long_file_with_many_conflicts(project):
    path, text = named(project, PROCESS)
    steps = list(parse(text).blocks("step"))
    base = parse("")
    for copy in range(60):  # 300 steps, ~10 000 lines, the same lines over and over
        for block in steps:
            base.body.append(Block("step", [f"{block.labels[0]}-{copy}"], block.body))
    ours, theirs = parse(text_of(base, path)), parse(text_of(base, path))
    key = "Octopus.Action.Manual.BlockConcurrentDeployments"
    for copy in range(0, 60, 3):
        set_property(ours, f"approve-production-deployment-{copy}", key, "True")
        set_property(theirs, f"approve-production-deployment-{copy}", key, "Maybe")
    sides = (path, text_of(base, path), text_of(ours, path), text_of(theirs, path))

    marked = merge_file(*sides, markers=True)

    assert len(marked.conflicts) == 20 and marked.text.count("<<<<<<< ours") == 20
    assert pick(marked.text, "ours") == merge_file(*sides).text
    assert pick(marked.text, "catalog") == text_of(theirs, path)


def test_markers_where_no_line_is_unique():
    blocks = ["check {\n    x = 1\n}"] * 3000
    base = "\n\n".join(blocks)
    ours = "\n\n".join(["check {\n    x = 2\n}", *blocks[1:-1], "check {\n    x = 2\n}"])
    theirs = "\n\n".join(["check {\n    x = 3\n}", *blocks[1:-1], "check {\n    x = 3\n}"])

    marked = merge_file("checks.ocl", base, ours, theirs, markers=True)

    assert [c.path for c in marked.conflicts] == ["check › x", "check #3000 › x"]
    assert marked.markers and pick(marked.text, "ours") == ours and pick(marked.text, "catalog") == theirs
    lines = marked.text.split("\n")
    assert lines[:2] == ["check {", "<<<<<<< ours"] and lines[-2:] == [">>>>>>> catalog", "}"]


# ---- whole files -----------------------------------------------------------------------------------


def test_file_presence_three_way(project):
    path, base = named(project, VARIABLES)
    edited = parse(base)
    edited.body.append(Block("variable", ["My.Own"], [Block("value", ["1"], [])]))
    edited_text = text_of(edited, path)

    deleted = merge_file(path, base, ui_style(parse(base)), None)
    assert deleted.text is None and [(c.path, c.kind) for c in deleted.applied] == [(WHOLE_FILE, "removed")]

    for markers in (False, True):
        modified = merge_file(path, base, edited_text, None, markers=markers)
        assert modified.text == edited_text and not modified.markers
        assert [(c.path, c.kind, c.theirs) for c in modified.conflicts] == [(WHOLE_FILE, "removed", None)]

    gone = merge_file(path, base, None, base)
    assert gone.text is None and [(c.path, c.kind) for c in gone.kept] == [(WHOLE_FILE, "removed")]

    changed = merge_file(path, base, None, edited_text)
    assert changed.text is None and [(c.kind, c.ours) for c in changed.conflicts] == [("removed", None)]

    new = merge_file(path, None, None, base)
    assert new.text == base and [(c.path, c.kind) for c in new.applied] == [(WHOLE_FILE, "added")]

    own = merge_file(path, None, edited_text, None)
    assert own.text == edited_text and [c.kind for c in own.kept] == ["added"]

    assert merge_file(path, base, None, None) == FileMerge(path, None)


def test_file_added_on_both_sides_merges_from_an_empty_base(project):
    path, theirs = named(project, PROCESS)
    ours = parse(theirs)
    ours.body.append(new_step("mine"))
    same = merge_file(path, None, text_of(ours, path), theirs)
    assert same.text == text_of(ours, path) and same.conflicts == []

    set_property(ours, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")
    both = merge_file(path, None, text_of(ours, path), theirs)
    assert [(c.kind, c.base, c.ours) for c in both.conflicts] == [("added", None, '"eu-west-1"')]


def test_file_presence_two_way(project):
    path, text = named(project, VARIABLES)
    added = merge_file(path, text, None, text, two_way=True)
    assert added.text == text and [c.kind for c in added.applied] == ["added"]
    left = merge_file(path, text, text, None, two_way=True)
    assert left.text == text and [(c.path, c.kind) for c in left.untouched] == [(WHOLE_FILE, "removed")]
    assert left.conflicts == []


def test_ours_that_does_not_parse_names_the_file(project):
    path, base = named(project, VARIABLES)
    with pytest.raises(OclError) as caught:
        merge_file(path, base, base + "\nvariable {", base)
    assert path in str(caught.value)


# ---- determinism -----------------------------------------------------------------------------------


def test_merging_twice_gives_the_same_bytes(project):
    path, base = named(project, PROCESS)
    ours, theirs = parse(base), parse(base)
    set_property(ours, "check-aws-access", "Octopus.Action.Aws.Region", "eu-west-1")
    set_property(theirs, "check-aws-access", "Octopus.Action.Aws.Region", "us-west-2")
    insert_after(theirs, "check-aws-access", new_step("added"))
    args = (path, base, text_of(ours, path), text_of(theirs, path))
    first = merge_file(*args, markers=True)
    assert first == merge_file(*args, markers=True) and first.markers


def test_hash_seed_does_not_change_the_result(project, tmp_path):
    path, base = named(project, VARIABLES)
    ours, theirs = parse(base), parse(base)
    variable(ours, "Project.AWS.Region").body.append(Block("value", ["eu-west-1"], [Attribute("environment", parse('x = ["test"]').get("x"))]))
    theirs.body.insert(0, Block("variable", ["New.One"], [Block("value", ["x"], [])]))
    sides = tmp_path / "sides.json"
    sides.write_text(json.dumps([path, base, text_of(ours, path), text_of(theirs, path)]))
    script = (
        "import json, sys; from octoscaffold.update.merge import merge_file; "
        "r = merge_file(*json.load(open(sys.argv[1]))); print(json.dumps([r.text, repr(r.applied), repr(r.kept)]))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(sides)],
            capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed, "PATH": ""},
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


# ---- sweep: independent edits never conflict -------------------------------------------------------


def _property_sites(doc) -> list[tuple[str, str]]:
    return sorted(
        (block.labels[0], entry.key)
        for block in doc.blocks("step")
        for action in block.blocks("action")
        if type(action.get("properties")) is Dictionary
        for entry in action.get("properties").entries
    )


@pytest.mark.parametrize("kind", sorted(PROMPTS))
def test_disjoint_random_edits_always_merge(rendered, kind):
    path, base = named(rendered[kind], PROCESS)
    sites = _property_sites(parse(base))
    assert len(sites) > 10
    for seed in range(25):
        rng = random.Random(seed)
        chosen = rng.sample(sites, rng.randint(2, min(12, len(sites))))
        half = rng.randint(1, len(chosen) - 1)
        ours, theirs = parse(base), parse(base)
        edits = {}
        for side, picks in ((ours, chosen[:half]), (theirs, chosen[half:])):
            for slug, key in picks:
                edits[(slug, key)] = f"edit-{seed}-{rng.randrange(10**6)}"
                set_property(side, slug, key, edits[(slug, key)])
        if rng.random() < 0.5:
            side = theirs if rng.random() < 0.5 else ours
            side.body.insert(rng.randint(0, len(side.body)), new_step(f"extra-{seed}"))

        result = merge_file(path, base, text_of(ours, path), text_of(theirs, path))

        assert result.conflicts == [], (seed, result.conflicts)
        for (slug, key), value in edits.items():
            assert prop(result.text, slug, key) == value, (seed, slug, key)
        assert len(result.applied) + len(result.kept) == len(edits) + (f"extra-{seed}" in result.text)


# ---- the corpus: real Octopus files merge with themselves ------------------------------------------


def test_corpus_files_merge_with_themselves():
    corpus = need_shared("ocl-corpus")
    for file in sorted(corpus.glob("*.ocl")):
        text = file.read_text(encoding="utf-8")
        path = file.name.replace("__", "/")
        try:
            expected = canonical(text, path)
        except OclError:
            continue  # files the parser refuses are its tests' business
        result = merge_file(path, text, text, expected)
        assert result.text == expected and no_reports(result), file.name
