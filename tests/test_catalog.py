import pytest

from octoscaffold.catalog import OCL_FILES, builtin_root, load_catalog
from octoscaffold.errors import TemplateError, UserError


def test_builtin_catalog_loads():
    catalog = load_catalog()
    assert catalog.roots[-1] == builtin_root().resolve()
    assert catalog.sources[-1].origin == "built-in"
    assert "aws-lambda" in catalog.ids()
    template = catalog.get("aws-lambda")
    assert template.manifest.keywords and template.manifest.version
    for name in OCL_FILES:
        loader_name = template.file_for(name)
        assert (builtin_root() / loader_name).is_file(), loader_name


def test_unknown_id_suggests_close_ones():
    with pytest.raises(UserError, match=r"unknown template 'lambda' \(did you mean aws-lambda"):
        load_catalog().get("lambda")


def test_manifest_id_must_match_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "template.yaml").write_text("id: other\ntitle: M\nversion: 1.0.0\ndescription: d\nkeywords: [m]\n")
    with pytest.raises(TemplateError, match="must match the folder name 'mine'"):
        load_catalog(tmp_path)


def test_missing_catalog_folder(tmp_path):
    with pytest.raises(TemplateError, match="does not exist"):
        load_catalog(tmp_path / "nope")


def test_manifests_are_cached_and_a_changed_manifest_is_read_again(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("OCTOSCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "catalog" / "mine"
    folder.mkdir(parents=True)
    manifest = folder / "template.yaml"
    manifest.write_text("id: mine\ntitle: First\nversion: 1.0.0\ndescription: d\nkeywords: [mine]\n")
    assert load_catalog(tmp_path / "catalog").get("mine").manifest.title == "First"
    (cached,) = (tmp_path / "cache").rglob("*.json")
    assert json.loads(cached.read_text())["manifests"]["mine"]["title"] == "First"
    manifest.write_text("id: mine\ntitle: Second one\nversion: 1.0.0\ndescription: d\nkeywords: [mine]\n")
    from octoscaffold.catalog import _load

    _load.cache_clear()
    assert load_catalog(tmp_path / "catalog").get("mine").manifest.title == "Second one"
