"""HGVS p. of indels, VEP-style position ranges, exon/intron ranges and the incomplete
terminal codon. Every value is checked by hand from the real sequence: the rCRS for MT
(installed by default), the bcftools csq case FASTA + GFF3 for nuclear transcripts."""
import csv

import pysam
import pytest

from anntools import annotate_file

from .conftest import CSQ_CASES, write_vcf

MT_HEADER = "##fileformat=VCFv4.2\n##reference=rCRS\n"


def _rows(result):
    return list(csv.DictReader(open(result.tsv_path), delimiter="\t"))


def _row(rows, pos, ref, alt, feature):
    hits = [r for r in rows if (r["POS"], r["REF"], r["ALT"]) == (str(pos), ref, alt) and
            r["Feature"].startswith(feature)]
    assert len(hits) == 1, hits
    return hits[0]


# MT-ND5 (plus strand): c.N is m.(12336+N); c.79-96 = AAC AAA AAA AAC TCA TAC (codons 27-32,
# N K K N S Y), then CCC CAT TAT GTA. MT-CO1 (plus): c.N is m.(5903+N). MT-ND6 (minus):
# c.N is m.(14674-N); c.70-78 = TCT CCT ATT (codons 24-26, S P I). Stops in the MT code:
# TAA, TAG, AGA, AGG (TGA is Trp).
# (pos, ref, alt, feature, Consequence, HGVSc, HGVSp, Protein_position)
MT_CASES = [
    # deletes m.12418 = c.82, in the run c.82-89 of eight As: 3' shifted, c.89del. The new frame
    # AAA AAA ACT CAT ACC CCC ATT ATG TAA: K28 and K29 stay, N30 becomes T, and TAA is the 7th
    # codon counting T30 as 1 (before: p.Lys28fs, the codon where the deletion starts)
    (12417, "CA", "C", "MT-ND5", "frameshift_variant", "c.89del", "p.Asn30ThrfsTer7", "28"),
    # one more A in the run: c.89dup; AAA AAA AAA CTC ATA CCC CCA ... AGA: N30 becomes K, the
    # first stop of the new frame (AGA) is its 29th codon (before: p.Lys28fs)
    (12417, "C", "CA", "MT-ND5", "frameshift_variant", "c.89dup", "p.Asn30LysfsTer29", "27-28"),
    # MT-CO1 codons 24-26 GCA TGA GCT (A W A): deleting the G of TGA (c.74, followed by A, so
    # no shift) makes TAG, a stop right at the first changed residue: nonsense, no fs
    (5976, "TG", "T", "MT-CO1", "frameshift_variant", "c.74del", "p.Trp25Ter", "25"),
    # MT-ND6: GGG after m.14600 is CCC between c.73 and c.74, shifted 3' to c.74_75 (c.75 is T).
    # Codon 25 CC|T becomes CC CCC T = CCC CCT: S24 P P I26, the new Pro repeats Pro25, so
    # HGVS says dup (before: no HGVSp at all)
    (14600, "G", "GGGG", "MT-ND6", "inframe_insertion", "c.74_75insCCC", "p.Pro25dup", "25"),
    # AAA after c.81 (between codons 27 and 28) slides along the A run to c.87_89dup; at the
    # protein level N27 K K [K] N30: the 3'-most new residue is a third Lys, Lys29dup
    (12417, "C", "CAAA", "MT-ND5", "inframe_insertion", "c.87_89dup", "p.Lys29dup", "27-28"),
    # AAATCT after c.81: AAC AAA TCT AAA AAA AAC = N K S K K N against N K K N. The shared
    # start is N27 K28, so Ser-Lys goes in between Lys28 and Lys29 and can slide no further
    (12417, "C", "CAAATCT", "MT-ND5", "inframe_insertion", "c.84_85insTCTAAA",
     "p.Lys28_Lys29insSerLys", "27-28"),
    # deletes c.82-84 (AAA, codon 28): c. shifts to c.87_89del, p. to the last Lys of the run
    (12417, "CAAA", "C", "MT-ND5", "inframe_deletion", "c.87_89del", "p.Lys29del", "28"),
]


@pytest.fixture(scope="module")
def mt_rows(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mt_protein")
    body = "".join(f"MT\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for p, r, a, *_ in MT_CASES)
    body += "MT\t4260\t.\tC\tT\t.\t.\t.\nMT\t4261\t.\tT\tC\t.\t.\t.\nMT\t4262\t.\tA\tC\t.\t.\t.\n"
    return _rows(annotate_file(write_vcf(tmp / "mt.vcf", body, header=MT_HEADER), tmp))


@pytest.mark.parametrize("pos,ref,alt,feature,terms,hgvsc,hgvsp,protein", MT_CASES)
def test_mt_indel_protein_notation(mt_rows, pos, ref, alt, feature, terms, hgvsc, hgvsp,
                                   protein):
    r = _row(mt_rows, pos, ref, alt, feature)
    assert (r["Consequence"], r["HGVSc"], r["HGVSp"], r["Protein_position"]) == \
        (terms, hgvsc, hgvsp, protein)


def test_mt_inframe_insertion_codons_and_amino_acids(mt_rows):
    r = _row(mt_rows, 14600, "G", "GGGG", "MT-ND6")
    assert (r["CDS_position"], r["Amino_acids"], r["Codons"]) == ("73-74", "P/PP", "cct/cCCCct")


def test_incomplete_terminal_codon_on_mt(mt_rows):
    # MT-ND1 is m.3307-4262, 956 bases: 318 codons and TA (m.4261-4262, c.955-956), which
    # polyadenylation completes to TAA. A change there has no codon to translate: VEP says
    # incomplete_terminal_codon_variant (LOW); before, 4262 A>C was synonymous_variant
    for pos, ref, hgvsc in ((4261, "T", "c.955T>C"), (4262, "A", "c.956A>C")):
        r = _row(mt_rows, pos, ref, "C", "MT-ND1")
        assert (r["Consequence"], r["IMPACT"], r["HGVSc"], r["HGVSp"]) == \
            ("incomplete_terminal_codon_variant&coding_sequence_variant", "LOW", hgvsc, "")
    # the last complete codon, c.952-954 ACC (Thr318) -> ACT, is an ordinary synonymous change
    r = _row(mt_rows, 4260, "C", "T", "MT-ND1")
    assert (r["Consequence"], r["HGVSp"]) == ("synonymous_variant", "p.Thr318=")


def _case_rows(tmp_path, case, body):
    folder = CSQ_CASES / case
    tmp_path.mkdir(exist_ok=True)
    src = write_vcf(tmp_path / "v.vcf", body, header="##fileformat=VCFv4.2\n")
    return _rows(annotate_file(src, tmp_path, gff=folder / f"{case}.gff",
                               fasta=folder / f"{case}.fa"))


def test_nuclear_frameshifts_and_extension(tmp_path):
    # TOR1AIP1 (plus, CDS from 207): 643-645 = c.436-438 ATG (Met146); deleting G644 leaves
    # ATA (Ile) and the frame CCA GGA GAG GGC TGC GGG ACT CTC ATT CCT CTG AAG AGG ATG AAG CAT
    # CTT CCC AAA CTG ATT TAA: the stop is the 23rd codon counting Ile146 as 1
    rows = _case_rows(tmp_path, "ENST00000271583", "1\t643\t.\tTG\tT\t.\t.\t.\n"
                      "1\t35940\t.\tAT\tA\t.\t.\t.\n")
    r = _row(rows, 643, "TG", "T", "ENST00000271583")
    assert (r["HGVSc"], r["HGVSp"], r["Protein_position"]) == \
        ("c.438del", "p.Met146IlefsTer23", "146")     # before: p.Met146fs
    # the stop TAA (600) at c.1798-1800 loses its T: AAG AAG TGA, Lys Lys Ter. The stop codon
    # itself changes, which HGVS describes as an extension (before: p.Ter600fs)
    r = _row(rows, 35940, "AT", "A", "ENST00000271583")
    assert (r["Consequence"], r["HGVSc"], r["HGVSp"]) == \
        ("frameshift_variant&stop_lost", "c.1798del", "p.Ter600LysextTer3")


def test_nuclear_inframe_duplication_is_shifted_3prime(tmp_path):
    # C19orf33 (plus): the 15 inserted bases repeat c.289-303 = GAG AAG GGC AAG AAG, codons
    # 97-101 (E K G K K); the next residues K102 E103 do not repeat E97, so it goes no
    # further: p.Glu97_Lys101dup (before: p.Lys89_Lys90insLysLysGluLysGly, unshifted)
    rows = _case_rows(tmp_path, "ENST00000301246", "19\t770\t.\tG\tGAAGAAGGAGAAGGGC\t.\t.\t.\n")
    r = _row(rows, 770, "G", "GAAGAAGGAGAAGGGC", "ENST00000301246")
    assert (r["HGVSc"], r["HGVSp"], r["Protein_position"]) == \
        ("c.289_303dup", "p.Glu97_Lys101dup", "89-90")


def test_protein_position_ranges_as_vep(tmp_path):
    # CFTR ENST00000003084.11 (no nuclear sequence by default): ATCT>A at 117559590 deletes
    # c.1520-1522 (HGVS shifts it to c.1521_1523del, F508del); (1520-1)//3+1 = 507 and
    # (1522-1)//3+1 = 508, so Protein_position 507-508 (before: 507). An insertion is placed
    # by its neighbours: c.1520|c.1521 are both in codon 507, c.1521|c.1522 straddle 507|508
    body = ("7\t117559590\t.\tATCT\tA\t.\t.\t.\n7\t117559591\t.\tT\tTCTT\t.\t.\t.\n"
            "7\t117559592\t.\tC\tCAAA\t.\t.\t.\n")
    rows = _rows(annotate_file(write_vcf(tmp_path / "cftr.vcf", body), tmp_path))
    got = {r["ALT"]: (r["cDNA_position"], r["CDS_position"], r["Protein_position"])
           for r in rows if r["Feature"] == "ENST00000003084.11"}
    assert got == {"A": ("1590-1592", "1520-1522", "507-508"),
                   "TCTT": ("1590-1591", "1520-1521", "507"),
                   "CAAA": ("1591-1592", "1521-1522", "507-508")}


def test_positions_of_a_change_leaving_the_cds(tmp_path):
    # VEP writes '?' for the end outside the CDS. NBPF3 (plus), CDS from 4960: deleting
    # 4959-4960 takes c.-1 and c.1 (before: CDS_position 0-1, no Protein_position)
    rows = _case_rows(tmp_path / "a", "ENST00000318249.2", "1\t4958\t.\tAGA\tA\t.\t.\t.\n")
    r = _row(rows, 4958, "AGA", "A", "ENST00000318249")
    assert (r["CDS_position"], r["Protein_position"]) == ("?-1", "?-1")
    # TOR1AIP1: stop TAA at 35941-35943 (c.1798-1800, codon 600); deleting 35943-35944 takes
    # c.1800 and c.*1 (before: CDS_position 1800-1801, Protein_position 600)
    rows = _case_rows(tmp_path / "b", "ENST00000271583", "1\t35942\t.\tAAG\tA\t.\t.\t.\n")
    r = _row(rows, 35942, "AAG", "A", "ENST00000271583")
    assert (r["CDS_position"], r["Protein_position"]) == ("1800-?", "600-?")


def test_exon_and_intron_ranges_of_a_symbolic_deletion(tmp_path):
    # BRAF ENST00000646891.2 (minus, 18 exons): exon 18 is 140730665-140734770, exon 15
    # 140753275-140753393, exon 14 140754187-140754233, so intron 14 is 140753394-140754186.
    # A 100 kb <DEL> 140654001-140754000 starts before the transcript and ends in intron 14:
    # exons 15-18, introns 14-17 (before: EXON 18/18, no INTRON). A 300 bp <DEL>
    # 140753201-140753500 takes exon 15 and parts of introns 14 and 15 (before: no INTRON)
    body = ("7\t140654000\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;END=140754000\n"
            "7\t140753200\t.\tN\t<DEL>\t.\t.\tSVTYPE=DEL;END=140753500\n")
    rows = _rows(annotate_file(write_vcf(tmp_path / "braf.vcf", body), tmp_path))
    got = {r["POS"]: (r["EXON"], r["INTRON"]) for r in rows if r["Feature"] == "ENST00000646891.2"}
    assert got == {"140654000": ("15-18/18", "14-17/17"), "140753200": ("15/18", "14-15/17")}


def test_exon_and_intron_ranges_of_a_sequence_deletion(tmp_path):
    # TOR1AIP1 (plus, 11 exons): exon 1 is 1-681, exon 2 2396-2473. Deleting 678-684 crosses
    # from exon 1 into intron 1; deleting 2390-2481 takes exon 2 and both flanking introns
    with pysam.FastaFile(str(CSQ_CASES / "ENST00000271583" / "ENST00000271583.fa")) as f:
        ref1, ref2 = f.fetch("1", 676, 684), f.fetch("1", 2388, 2481)
    body = f"1\t677\t.\t{ref1}\t{ref1[0]}\t.\t.\t.\n1\t2389\t.\t{ref2}\t{ref2[0]}\t.\t.\t.\n"
    rows = _case_rows(tmp_path, "ENST00000271583", body)
    got = {r["POS"]: (r["EXON"], r["INTRON"]) for r in rows
           if r["Feature"].startswith("ENST00000271583")}
    assert got == {"677": ("1/11", "1/10"), "2389": ("2/11", "1-2/10")}
