"""The object store contract."""
import pytest


def test_put_get_size_exists_delete(adapters, tmp_path):
    store = adapters.object_store()
    src = tmp_path / "in.vcf"
    src.write_bytes(b"##fileformat=VCFv4.2\n" * 1000)
    store.put_file("inputs/u1/j1~in.vcf", str(src))
    assert store.exists("inputs/u1/j1~in.vcf")
    assert store.size("inputs/u1/j1~in.vcf") == src.stat().st_size
    out = tmp_path / "out.vcf"
    store.get_to_file("inputs/u1/j1~in.vcf", str(out))
    assert out.read_bytes() == src.read_bytes()
    assert store.read_bytes("inputs/u1/j1~in.vcf", 10) == b"##fileform"
    lines = list(store.iter_lines("inputs/u1/j1~in.vcf"))
    assert len(lines) == 1000 and set(lines) == {b"##fileformat=VCFv4.2\n"}
    store.delete("inputs/u1/j1~in.vcf")
    assert not store.exists("inputs/u1/j1~in.vcf")
    store.delete("inputs/u1/j1~in.vcf")   # deleting twice is fine


def test_missing_objects_raise_key_error(adapters, tmp_path):
    store = adapters.object_store()
    with pytest.raises(KeyError):
        store.read_bytes("nope")
    with pytest.raises(KeyError):
        store.get_to_file("nope", str(tmp_path / "x"))
    with pytest.raises(KeyError):
        next(store.iter_lines("nope"))


def test_signed_urls_name_the_key_and_expire(adapters):
    store = adapters.object_store()
    store.put_bytes("results/u1/j1~x.annot.vcf", b"data")
    form = store.upload_form("inputs/u1/j2~y.vcf", 1024, 60)
    assert form.url and form.fields.get("key") == "inputs/u1/j2~y.vcf"
    assert store.download_url("results/u1/j1~x.annot.vcf", "x.annot.vcf", 60)
