"""The engine's chunked path (batch.py: a chunk's plain SNVs and indels classified and written at once)
writes exactly what annotating each line on its own writes."""
import random

import pytest

from anntools import annotate_file
from anntools.annotator import Annotator
from anntools.batch import ChunkBatch
from anntools.index import load
from anntools.vcfio import parse_fields

from .conftest import write_vcf


@pytest.mark.parametrize("mode,hgvs", [("all", True), ("all", False), ("most_severe", True)])
def test_chunked_engine_matches_line_by_line(tmp_path, mode, hgvs):
    rng = random.Random(11)
    lines = []
    # TP53 and its neighbours (genic, flanking), a gene desert stretch of chr1 near the
    # centromere (intergenic), MT, lower case, multi-allelic, indels, an unknown CHROM
    for chrom, lo, hi in (("17", 7_600_000, 7_720_000), ("1", 123_990_000, 124_010_000),
                          ("MT", 1, 16_500)):
        for pos in sorted(rng.randrange(lo, hi) for _ in range(400)):
            ref = rng.choice("ACGT")
            alt = rng.choice(["A", "C", "G", "T", "g", ref + "T", ref + "ca", "C,G", ".", "del",
                              "delins"])
            if alt == ref:
                alt = "N"
            elif alt in ("del", "delins"):   # 1 to 12 bases deleted, or replaced by 2
                ref += "".join(rng.choice("ACGT") for _ in range(rng.randrange(1, 13)))
                alt = ref[0] if alt == "del" else ref[0] + "GT"
            lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n")
    lines.append("zz9\t100\t.\tA\tC\t.\t.\t.\n")
    src = write_vcf(tmp_path / "mix.vcf", "".join(lines))
    result = annotate_file(src, tmp_path / "out", mode=mode, hgvs=hgvs)
    got = [l.rstrip("\n").split("\t")[7] for l in open(result.annot_path) if not l.startswith("#")]
    ann = Annotator(load(), mode=mode, hgvs=hgvs)
    want = []
    for line in lines:
        fields = parse_fields(line.rstrip("\n"))
        try:
            add = ann.annotate(fields)
        except Exception:   # unreadable: left out of the output
            continue
        want.append(add if fields[7] in (".", "") else fields[7] + ";" + add)
    assert got == want
    assert sum("intergenic_variant" in g for g in got) > 100
    # the chunk path wrote the intronic and flanking SNVs and indels itself
    done = ChunkBatch(Annotator(load(), mode=mode, hgvs=hgvs)).annotate(
        [parse_fields(line.rstrip("\n")) for line in lines])
    written = [(line.split("\t")[3:5], d[0]) for line, d in zip(lines, done) if d is not None]
    indels = [w for (ref, alt), w in written if len(ref) != len(alt)]
    if mode == "all":
        assert sum("REGION=intron" in w for _, w in written) > 50
        assert sum("REGION=upstream" in w or "REGION=downstream" in w for _, w in written) > 5
        assert sum("REGION=intron" in w and ("del" in w or "ins" in w or not hgvs)
                   for w in indels) > 20
        assert sum("REGION=upstream" in w or "REGION=downstream" in w for w in indels) > 2
