"""Hand-checked regions, exon/intron numbers and cytobands at known GRCh38 positions."""
import pytest

from anntools import annotate_file

from .conftest import csq_entries, csq_format, info_of, write_vcf

# (CHROM, POS, REF, ALT, gene, transcript, region, exon, intron, cytoband), checked by hand
# against Ensembl 110 / MANE v1.5 (TP53 ENST00000269305.9 has 11 exons on the minus strand:
# exon 1 is all 5' UTR, R248 (c.743) lies in exon 7; BRAF V600 (c.1799) is in exon 15 of 18
# of ENST00000646891.2).
KNOWN = [
    ("17", 7674220, "C", "T", "TP53", "ENST00000269305.9", "CDS", "7/11", "", "17p13.1"),
    ("17", 7687400, "G", "A", "TP53", "ENST00000269305.9", "5UTR", "1/11", "", "17p13.1"),
    ("17", 7675000, "A", "G", "TP53", "ENST00000269305.9", "intron", "", "5/10", "17p13.1"),
    ("17", 7668500, "A", "G", "TP53", "ENST00000269305.9", "3UTR", "11/11", "", "17p13.1"),
    ("chr7", 140753336, "A", "T", "BRAF", "ENST00000646891.2", "CDS", "15/18", "", "7q34"),
    # MT: m.3460G>A (LHON) is in MT-ND1; m.3243A>G (MELAS) is in the tRNA-Leu gene MT-TL1
    ("MT", 3460, "G", "A", "MT-ND1", "MT-ND1-201", "CDS", "1/1", "", None),
    ("chrM", 3243, "A", "G", "MT-TL1", "MT-TL1", "ncRNA_exon", "1/1", "", None),
]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("known")
    body = "".join(f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a, *_ in KNOWN)
    # chr1:1 is in the telomere gap, more than 5 kb from the first gene (DDX11L2 at 11,869)
    body += "1\t1\t.\tN\tA\t.\t.\tDP=3\n"
    # a TP53 exon 7 deletion of 3 bases (codon) and an insertion inside an intron
    body += "17\t7674218\t.\tTCAT\tT\t.\t.\t.\n17\t7675000\t.\tA\tAGG\t.\t.\t.\n"
    result = annotate_file(write_vcf(tmp / "known.vcf", body), tmp)
    assert result.variants == len(KNOWN) + 3
    return result


@pytest.mark.parametrize("chrom,pos,ref,alt,gene,tx,region,exon,intron,band", KNOWN)
def test_known_positions(annotated, chrom, pos, ref, alt, gene, tx, region, exon, intron, band):
    info = info_of(annotated.annot_path)[(chrom, pos, alt)]
    fmt = csq_format(annotated.annot_path)
    mine = [e for e in csq_entries(info, fmt) if e["Feature"] == tx]
    assert len(mine) == 1, [e["Feature"] for e in csq_entries(info, fmt)]
    e = mine[0]
    assert (e["SYMBOL"], e["REGION"], e["EXON"], e["INTRON"]) == (gene, region, exon, intron)
    assert info["REGION"] == region
    assert gene in info["GENE"].split(",")
    assert info.get("CYTOBAND") == band


def test_mane_select_flag_and_strand(annotated):
    info = info_of(annotated.annot_path)[("17", 7674220, "T")]
    fmt = csq_format(annotated.annot_path)
    by_tx = {e["Feature"]: e for e in csq_entries(info, fmt)}
    # as VEP gives it: TP53's MANE Select RefSeq transcript (MANE v1.5 summary)
    assert by_tx["ENST00000269305.9"]["MANE_SELECT"] == "NM_000546.6"
    assert by_tx["ENST00000269305.9"]["STRAND"] == "-1"
    assert by_tx["ENST00000269305.9"]["Gene"].startswith("ENSG00000141510.")
    # the other TP53 isoforms are reported too, not flagged
    assert sum(1 for e in by_tx.values() if e["SYMBOL"] == "TP53") > 5
    assert sum(1 for e in by_tx.values() if e["MANE_SELECT"]) == 1


def test_intergenic(annotated):
    info = info_of(annotated.annot_path)[("1", 1, "A")]
    assert info["REGION"] == "intergenic"
    assert info["CSQ"].split("|")[1] == "intergenic_variant"
    assert "GENE" not in info
    assert info["DP"] == "3"            # the original INFO is kept in front
    assert info["CYTOBAND"] == "1p36.33"


def test_indels_use_the_changed_bases(annotated):
    infos = info_of(annotated.annot_path)
    fmt = csq_format(annotated.annot_path)
    deletion = {e["Feature"]: e for e in csq_entries(infos[("17", 7674218, "T")], fmt)}
    assert deletion["ENST00000269305.9"]["REGION"] == "CDS"
    assert deletion["ENST00000269305.9"]["Allele"] == "-"
    insertion = {e["Feature"]: e for e in csq_entries(infos[("17", 7675000, "AGG")], fmt)}
    assert insertion["ENST00000269305.9"]["INTRON"] == "5/10"
    assert insertion["ENST00000269305.9"]["Allele"] == "GG"


def test_upstream_downstream_distance(tmp_path):
    # TP53 (minus strand) ends at 7,687,490 and starts (3' end) at 7,668,421
    body = "17\t7687500\t.\tA\tG\t.\t.\t.\n17\t7668411\t.\tA\tG\t.\t.\t.\n17\t7700000\t.\tA\tG\t.\t.\t.\n"
    result = annotate_file(write_vcf(tmp_path / "flank.vcf", body), tmp_path)
    infos = info_of(result.annot_path)
    fmt = csq_format(result.annot_path)
    up = {e["Feature"]: e for e in csq_entries(infos[("17", 7687500, "G")], fmt)}["ENST00000269305.9"]
    down = {e["Feature"]: e for e in csq_entries(infos[("17", 7668411, "G")], fmt)}["ENST00000269305.9"]
    assert (up["REGION"], up["DISTANCE"]) == ("upstream", "10")
    assert (down["REGION"], down["DISTANCE"]) == ("downstream", "10")
    far = {e["Feature"] for e in csq_entries(infos[("17", 7700000, "G")], fmt)}
    assert "ENST00000269305.9" not in far     # 12.5 kb away: outside the 5 kb window
