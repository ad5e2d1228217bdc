"""Hand-checked consequences, HGVS, codons and known variants; modes; TSV; count log."""
import csv
from pathlib import Path

import pytest

from anntools import annotate_file

from .conftest import info_of, write_vcf

MT_HEADER = "##fileformat=VCFv4.2\n##reference=rCRS\n"
# Classic pathogenic mtDNA variants (MITOMAP / ClinVar), checked by hand:
# m.3460G>A MT-ND1 p.A52T (LHON), m.11778G>A MT-ND4 p.R340H (LHON), m.14484T>C MT-ND6
# p.M64V (LHON, ND6 is on the minus strand), m.8993T>G MT-ATP6 p.L156R (NARP),
# m.3243A>G in tRNA-Leu(UUR) (MELAS), position 14 of MT-TL1.
MT_KNOWN = [
    (3460, "G", "A", "MT-ND1", "missense_variant", "MODERATE", "c.154G>A", "p.Ala52Thr", "A/T", "Gcc/Acc", "rs199476118&ClinVar:9722"),
    (11778, "G", "A", "MT-ND4", "missense_variant", "MODERATE", "c.1019G>A", "p.Arg340His", "R/H", "cGc/cAc", "rs199476112&ClinVar:9708"),
    (14484, "T", "C", "MT-ND6", "missense_variant", "MODERATE", "c.190A>G", "p.Met64Val", "M/V", "Atg/Gtg", "rs199476104&ClinVar:9688"),
    (8993, "T", "G", "MT-ATP6", "missense_variant", "MODERATE", "c.467T>G", "p.Leu156Arg", "L/R", "cTg/cGg", "rs199476133&ClinVar:9641"),
    (3243, "A", "G", "MT-TL1", "non_coding_transcript_exon_variant", "MODIFIER", "n.14A>G", "", "", "", "rs199474657&ClinVar:9589"),
]


def _rows(tsv_path):
    return list(csv.DictReader(open(tsv_path), delimiter="\t"))


@pytest.fixture(scope="module")
def mt_result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mt")
    body = "".join(f"MT\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for p, r, a, *_ in MT_KNOWN)
    # MT codon table: MT-CO1 codon 3 (c.7-9 = TTC, m.5910-5912); c.9C>A makes TTA (Leu),
    # while m.7445 is the last base of the AGA stop codon of MT-CO1... keep to plain cases:
    # c.3G>A in MT-ND1 (ATA start -> ATA is Met in the MT code) is checked below.
    body += "MT\t3309\t.\tA\tG\t.\t.\t.\n"      # MT-ND1 c.3A>G: ATA (Met) -> ATG (Met)
    return annotate_file(write_vcf(tmp / "mt.vcf", body, header=MT_HEADER), tmp)


@pytest.mark.parametrize("pos,ref,alt,gene,term,impact,hgvsc,hgvsp,aa,codons,known", MT_KNOWN)
def test_mitochondrial_known_variants(mt_result, pos, ref, alt, gene, term, impact, hgvsc, hgvsp,
                                      aa, codons, known):
    rows = [r for r in _rows(mt_result.tsv_path) if r["POS"] == str(pos) and r["SYMBOL"] == gene]
    assert len(rows) == 1
    r = rows[0]
    assert (r["Consequence"], r["IMPACT"], r["HGVSc"], r["HGVSp"]) == (term, impact, hgvsc, hgvsp)
    assert (r["Amino_acids"], r["Codons"], r["Existing_variation"]) == (aa, codons, known)
    assert r["CLIN_SIG"].startswith("pathogenic")


def test_mitochondrial_codon_table(mt_result):
    # ATA is Ile in the standard code but Met in the vertebrate mitochondrial code
    r = [r for r in _rows(mt_result.tsv_path) if r["POS"] == "3309" and r["SYMBOL"] == "MT-ND1"][0]
    assert r["Amino_acids"] == "M" and r["Consequence"] == "synonymous_variant"
    assert r["HGVSp"] == "p.Met1="


def test_count_log_totals_by_consequence_and_impact(mt_result):
    log = Path(mt_result.log_path).read_text()
    assert "ALT alleles by most severe consequence (Sequence Ontology):" in log
    assert [l for l in log.splitlines() if l.strip().startswith("missense_variant ")][0].split()[-1] == "4"
    assert [l for l in log.splitlines() if l.strip().startswith("MODERATE ")][0].split()[-1] == "4"
    assert "ALT alleles matching a known variant: 5" in log
    assert "Reference sequence: installed for MT" in log
    assert mt_result.consequence_counts["missense_variant"] == 4


def test_nuclear_without_sequence_says_so(tmp_path):
    # TP53 c.743G>A (p.R248Q): no GRCh38 FASTA is installed by default, so the
    # codon is not computed and the NOTE says so; c. notation needs no sequence.
    result = annotate_file(write_vcf(tmp_path / "tp53.vcf", "17\t7674220\t.\tC\tT\t.\t.\t.\n"
                                     "17\t7674218\t.\tTCA\tT\t.\t.\t.\n"), tmp_path)
    rows = {(r["POS"], r["Feature"]): r for r in _rows(result.tsv_path)}
    snv = rows[("7674220", "ENST00000269305.9")]
    assert snv["HGVSc"] == "c.743G>A"
    assert (snv["CDS_position"], snv["Protein_position"]) == ("743", "248")
    assert snv["Consequence"] == "coding_sequence_variant"
    assert "no_reference_sequence_installed" in snv["NOTE"]
    assert snv["Existing_variation"] == "rs11540652&ClinVar:12356"
    deletion = rows[("7674218", "ENST00000269305.9")]
    assert deletion["Consequence"] == "frameshift_variant" and deletion["IMPACT"] == "HIGH"
    # 7674220 is c.743 and 7674219 c.744 (minus strand); not shifted 3' without sequence
    assert deletion["HGVSc"] == "c.743_744del"
    assert "not_shifted" in deletion["NOTE"] or "no_reference_sequence" in deletion["NOTE"]


def test_most_severe_mode_gives_one_entry_per_allele(tmp_path):
    src = write_vcf(tmp_path / "tp53.vcf", "17\t7674220\t.\tC\tT,G\t.\t.\t.\n")
    every = annotate_file(src, tmp_path / "all")
    one = annotate_file(src, tmp_path / "one", mode="most_severe")
    all_csq = info_of(every.annot_path)[("17", 7674220, "T,G")]["CSQ"].split(",")
    one_csq = info_of(one.annot_path)[("17", 7674220, "T,G")]["CSQ"].split(",")
    assert len(all_csq) > 10
    assert len(one_csq) == 2
    assert [c.split("|")[0] for c in one_csq] == ["T", "G"]
    assert all(c.split("|")[6] == "ENST00000269305.9" for c in one_csq)   # MANE wins the tie
    assert len(_rows(one.tsv_path)) == 2


def test_symbolic_and_star_alleles(tmp_path):
    body = ("17\t7674219\t.\tA\t<DEL>\t.\t.\tEND=7674300\n"
            "17\t7674219\t.\tA\tA[2:100[\t.\t.\t.\n"
            "17\t7674220\t.\tC\t*,T\t.\t.\t.\n")
    result = annotate_file(write_vcf(tmp_path / "sv.vcf", body), tmp_path)
    assert result.variants == 3
    infos = info_of(result.annot_path)
    assert "feature_truncation" in infos[("17", 7674219, "<DEL>")]["CSQ"]
    assert "symbolic_allele" in infos[("17", 7674219, "<DEL>")]["CSQ"]
    assert infos[("17", 7674220, "*,T")]["REGION"] == ".,CDS"


def test_production_index_from_gff3_and_fasta(tmp_path):
    # install_reference --gff3/--fasta builds the index from full-size files once; here
    # one real transcript (SAMD11, ENST00000341065) and its region FASTA from the csq cases.
    from anntools.install_reference import install
    from .conftest import CSQ_CASES
    case = CSQ_CASES / "ENST00000341065"
    ref = tmp_path / "ref"
    install(ref, quiet=True, chains=False, gff3=case / "ENST00000341065.gff",
            fasta=case / "ENST00000341065.fa")
    # the region is chr1:860260-879955, so local 18826 is chr1:879085 (bcftools: 473R>473K)
    src = write_vcf(tmp_path / "samd11.vcf", "1\t18826\t.\tG\tA\t.\t.\t.\n")
    result = annotate_file(src, tmp_path / "out", ref_dir=ref)
    r = _rows(result.tsv_path)[0]
    assert (r["SYMBOL"], r["Consequence"], r["HGVSc"], r["HGVSp"]) == \
        ("SAMD11", "missense_variant", "c.1420G>A", "p.Arg473Lys")
    assert r["Codons"] == "aGg/aAg" and r["NOTE"] == ""


# One pinned value per consequence class, on real transcripts from the bcftools csq cases
# (region FASTA + Ensembl GFF3); each agrees with bcftools' own expectation noted after it.
CLASSES = [
    ("ENST00000285021", "3", 13461, "CTCTTTA", "C", "stop_gained&inframe_deletion",
     "c.1290_1295del", "p.Tyr430_Glu432delinsTer"),                      # 430YKE>430*
    ("ENST00000271583", "1", 7013, "G", "A", "splice_acceptor_variant", "c.554-1G>A", ""),
    ("ENST00000423372", "1", 2719, "G", "A", "splice_donor_variant", "c.*909+2C>T", ""),
    ("ENST00000423372", "1", 2713, "G", "A", "splice_region_variant&intron_variant", "c.*909+8C>T", ""),
    ("ENST00000357367", "1", 358, "C", "T", "stop_retained_variant", "c.1424G>A", "p.Ter475="),  # 475*
    ("ENST00000593942", "19", 349, "CA", "C", "frameshift_variant&stop_lost", "c.514del", "p.Ter172AspextTer37"),
    ("ENST00000423372", "1", 3630, "T", "TAAA", "stop_lost&inframe_insertion", "c.779_780insTTT",
     "p.Ter260Cysext*?"),                                                   # 260*>260CL
    ("ENST00000520795", "8", 213028, "AAAGCCCGAGTCC", "A", "inframe_deletion", "c.9_20del",
     "p.Gly3_Leu6del"),                                                    # 3GLGLW>3W
    ("ENST00000301246", "19", 770, "G", "GAAGAAGGAGAAGGGC", "inframe_insertion", "c.289_303dup",
     "p.Glu97_Lys101dup"),                                   # 89K>89KKKEKG
    ("ENST00000271583", "1", 25561, "A", "G", "synonymous_variant", "c.834A>G", "p.Ser278="),  # 278S
    ("ENST00000271583", "1", 643, "T", "C", "missense_variant", "c.437T>C", "p.Met146Thr"),    # 146M>146T
    ("ENST00000218032", "X", 108, "A", "G", "start_lost&splice_region_variant", "c.1A>G", "p.Met1?"),
    # Codons rebuilt by an indel, checked by hand from the region FASTA:
    # minus strand, 11190-11193 = CATT, ATG = revcomp(CAT); deleting T11192 (the A of
    # ATG) brings T11193 in: revcomp(CAT) = ATG again (bcftools: start_retained)
    ("ENST00000368801.2", "1", 11191, "AT", "A", "start_retained_variant", "c.1del", ""),
    # plus strand, 4956-4962 = GGAGATG, CDS from 4960; deleting GA (4959-4960) leaves
    # GGA|TG: the UTR's A re-forms ATG before codon 2 (bcftools: start_retained)
    ("ENST00000318249.2", "1", 4958, "AGA", "A", "start_retained_variant&5_prime_UTR_variant",
     "c.-1_1del", ""),
    # plus strand, stop TAA at 35941-35943, then GAAG: TAA>TAG (delete A35942) keeps the stop
    ("ENST00000271583", "1", 35941, "TA", "T", "stop_retained_variant", "c.1800del", "p.Ter600="),
    # delete AG (35943-35944), across into the 3' UTR: TA + A35945 = TAA
    ("ENST00000271583", "1", 35942, "AAG", "A", "stop_retained_variant&3_prime_UTR_variant",
     "c.*1_*2del", "p.Ter600="),
    # but deleting the T of TAA leaves AAG AAG TGA...: the stop is lost, the frame shifted
    ("ENST00000271583", "1", 35940, "AT", "A", "frameshift_variant&stop_lost", "c.1798del",
     "p.Ter600LysextTer3"),
]


@pytest.mark.parametrize("case,chrom,pos,ref,alt,terms,hgvsc,hgvsp", CLASSES)
def test_consequence_classes_on_real_transcripts(tmp_path, case, chrom, pos, ref, alt, terms,
                                                 hgvsc, hgvsp):
    from .conftest import CSQ_CASES
    folder = CSQ_CASES / case
    src = write_vcf(tmp_path / "v.vcf", f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n", header="##fileformat=VCFv4.2\n")
    result = annotate_file(src, tmp_path, gff=folder / f"{case}.gff", fasta=folder / f"{case}.fa")
    row = [r for r in _rows(result.tsv_path) if r["Feature"].split(".")[0] == case.split(".")[0]][0]
    assert (row["Consequence"], row["HGVSc"], row["HGVSp"]) == (terms, hgvsc, hgvsp)


# The rest of the classes the engine emits, each alone where a real case allows, checked by
# hand against the case's GFF3 exon/CDS coordinates (1-based, as in the GFF) and its FASTA.
# (case folder, feature, chrom, pos, ref, alt, Consequence, IMPACT, HGVSc, HGVSp, DISTANCE)
MORE_CLASSES = [
    # TNNT2 (minus): CC>AA at 4391-4392 = c.396_397 GG>TT; codons 132-133 EE -> D* (bcftools:
    # 132EE>132D*), a stop gained with no length change
    ("ENST00000360372", "ENST00000360372", "chr1", 4391, "CC", "AA", "stop_gained", "HIGH",
     "c.396_397delinsTT", "p.Glu132_Glu133delinsAspTer", ""),
    # TOR1AIP1 (plus), CDS from 207: 643 = c.437 (the T of ATG, codon 146); deleting G644
    # (c.438, followed by A: no 3' shift) leaves AT+A = Ile at 146, then a shifted frame
    ("ENST00000271583", "ENST00000271583", "1", 643, "TG", "T", "frameshift_variant", "HIGH",
     "c.438del", "p.Met146IlefsTer23", ""),
    # WRAP73 (minus): the CDS starts (c.1) at 19233 in the exon 19165-19292, so 19291 is
    # 58 bases 5' of it: c.-58, G>A on the minus strand is C>T (bcftools: 5_prime_utr)
    ("ENST00000378322", "ENST00000378322", "1", 19291, "G", "A", "5_prime_UTR_variant",
     "MODIFIER", "c.-58C>T", "", ""),
    # AL627309.1 (minus): 2721 is c.*909 (2719 is c.*909+2 above), so 2725 is c.*905
    # (bcftools: 3_prime_utr)
    ("ENST00000423372", "ENST00000423372", "1", 2725, "A", "C", "3_prime_UTR_variant",
     "MODIFIER", "c.*905T>G", "", ""),
    # one base past the splice region: c.*909+9, intron alone (bcftools: intron)
    ("ENST00000423372", "ENST00000423372", "1", 2712, "A", "C", "intron_variant", "MODIFIER",
     "c.*909+9T>G", "", ""),
    # lincRNA RP11-148B18.1 (plus), exons 21-152 and 1526-1605: 100 is n.80 (100-21+1)
    ("ENST00000413103", "ENST00000413103", "1", 100, "A", "G",
     "non_coding_transcript_exon_variant", "MODIFIER", "n.80A>G", "", ""),
    # its intron: 800 is 648 after n.132 (152), 726 before n.133 (1526): n.132+648
    ("ENST00000413103", "ENST00000413103", "1", 800, "A", "G",
     "intron_variant&non_coding_transcript_variant", "MODIFIER", "n.132+648A>G", "", ""),
    # 5 bases past its 3' end (1605): downstream, DISTANCE 5
    ("ENST00000413103", "ENST00000413103", "1", 1610, "T", "C", "downstream_gene_variant",
     "MODIFIER", "", "", "5"),
    # PRAMEF8 (minus), 21-4140: genomic left of it is downstream, right of it upstream
    ("ENST00000357367", "ENST00000357367", "1", 10, "A", "G", "downstream_gene_variant",
     "MODIFIER", "", "", "11"),
    ("ENST00000357367", "ENST00000357367", "1", 4150, "G", "A", "upstream_gene_variant",
     "MODIFIER", "", "", "10"),
    # CNTROB-206, a nonsense_mediated_decay transcript (plus), CDS 21-253 in exon 1:
    # 600 is 347 after c.233 (253), 442 before exon 2 (1042)
    ("ENST00000571540", "ENST00000571540", "17", 600, "T", "C",
     "intron_variant&NMD_transcript_variant", "MODIFIER", "c.233+347T>C", "", ""),
]


@pytest.mark.parametrize("case,feature,chrom,pos,ref,alt,terms,impact,hgvsc,hgvsp,distance",
                         MORE_CLASSES)
def test_more_consequence_classes_on_real_transcripts(tmp_path, case, feature, chrom, pos, ref,
                                                      alt, terms, impact, hgvsc, hgvsp, distance):
    import pysam
    from .conftest import CSQ_CASES
    folder = CSQ_CASES / case
    with pysam.FastaFile(str(folder / f"{case}.fa")) as fa:   # REF as in the region FASTA
        assert fa.fetch(fa.references[0], pos - 1, pos - 1 + len(ref)).upper() == ref
    src = write_vcf(tmp_path / "v.vcf", f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n",
                    header="##fileformat=VCFv4.2\n")
    result = annotate_file(src, tmp_path, gff=folder / f"{case}.gff", fasta=folder / f"{case}.fa")
    row = [r for r in _rows(result.tsv_path) if r["Feature"].split(".")[0] == feature][0]
    assert (row["Consequence"], row["IMPACT"], row["HGVSc"], row["HGVSp"], row["DISTANCE"]) == \
        (terms, impact, hgvsc, hgvsp, distance)


def test_feature_elongation_on_a_real_transcript(tmp_path):
    # an Alu insertion (<INS:ME:ALU>) in a BICC1 coding exon (bcftools:
    # coding_sequence&feature_elongation); symbolic, so annotated by position only
    from .conftest import CSQ_CASES
    case = CSQ_CASES / "ENST00000263103-INS"
    src = write_vcf(tmp_path / "v.vcf", "10\t280440\t.\tA\t<INS:ME:ALU>\t.\t.\tEND=280440\n",
                    header="##fileformat=VCFv4.2\n")
    result = annotate_file(src, tmp_path, gff=case / "ENST00000263103-INS.gff",
                           fasta=case / "ENST00000263103-INS.fa")
    row = [r for r in _rows(result.tsv_path) if r["Feature"].startswith("ENST00000373886")][0]
    assert (row["Consequence"], row["IMPACT"], row["EXON"], row["HGVSc"]) == \
        ("feature_elongation&coding_sequence_variant", "MODIFIER", "9/21", "")
    assert row["NOTE"] == "symbolic_allele:_annotated_by_position"


def test_classes_from_the_default_data(tmp_path):
    # GRCh38 default data (no nuclear FASTA installed):
    # - 1:13000 lies in DDX11L2 (lncRNA, 11869-14409, only its span installed): no exons
    #   to place it in, so non_coding_transcript_variant; ENSG00000285629 (protein_coding
    #   span 6159430-6197757) likewise gives coding_transcript_variant at 1:6180000;
    # - C1QTNF12 ENST00000330388.2 (minus, MANE exons but no CDS installed): 1:1246600 is
    #   in its 5'-most exon 1246514-1246722, 122 bases from that exon's 5' end: n.123,
    #   A>G on the minus strand is T>C; exon_variant, as VEP says for an exon of a
    #   protein-coding transcript without a CDS;
    # - 1:124000000 is in the chr1 centromere (1q11), nothing within 5 kb: intergenic.
    body = ("1\t13000\t.\tA\tG\t.\t.\t.\n1\t1246600\t.\tA\tG\t.\t.\t.\n"
            "1\t6180000\t.\tA\tG\t.\t.\t.\n1\t124000000\t.\tA\tG\t.\t.\t.\n")
    result = annotate_file(write_vcf(tmp_path / "d.vcf", body), tmp_path)
    rows = {(r["POS"], r["Feature"]): r for r in _rows(result.tsv_path)}
    got = {k: (r["Consequence"], r["IMPACT"], r["EXON"], r["HGVSc"], r["REGION"])
           for k, r in rows.items()}
    assert got[("13000", "DDX11L2")] == \
        ("non_coding_transcript_variant", "MODIFIER", "", "", "transcript")
    assert got[("6180000", "ENSG00000285629")] == \
        ("coding_transcript_variant", "MODIFIER", "", "", "transcript")
    assert got[("1246600", "ENST00000330388.2")] == \
        ("exon_variant", "MODIFIER", "1/8", "n.123T>C", "exon")
    assert got[("124000000", "")] == ("intergenic_variant", "MODIFIER", "", "", "intergenic")
    infos = info_of(result.annot_path)
    assert infos[("1", 124000000, "G")]["MOST_SEVERE"] == "intergenic_variant"
    assert infos[("1", 124000000, "G")]["CYTOBAND"] == "1q11"


# Terms in VEP's set that this engine never emits (no rule produces them yet): listed so a
# new rule comes with a pinned case above.
NOT_EMITTED = {"transcript_ablation", "transcript_amplification", "protein_altering_variant",
               "splice_donor_5th_base_variant", "splice_donor_region_variant",
               "splice_polypyrimidine_tract_variant", "mature_miRNA_variant"}


def test_every_emitted_term_is_pinned():
    import re
    from anntools import terms
    src = "".join((Path(terms.__file__).parent / f).read_text() for f in
                  ("annotator.py", "consequence.py", "effects.py", "engine.py"))
    emitted = set(re.findall(r'"([a-zA-Z0-9][a-zA-Z0-9_]*_variant|feature_elongation|feature_truncation)"',
                             src))
    emitted |= {"upstream_gene_variant", "downstream_gene_variant"}   # built from region names
    pinned = set()
    for column in [r[5] for r in CLASSES] + [r[6] for r in MORE_CLASSES] + [r[4] for r in MT_KNOWN]:
        pinned |= set(column.split("&"))
    pinned |= {"coding_sequence_variant", "feature_truncation", "feature_elongation",
               "non_coding_transcript_variant", "coding_transcript_variant", "exon_variant",
               "intergenic_variant",    # pinned by the tests above without the tables
               "incomplete_terminal_codon_variant"}   # test_anntools_protein_notation.py
    assert emitted <= pinned, emitted - pinned
    assert not (emitted & NOT_EMITTED) and set(terms.SEVERITY) == pinned | NOT_EMITTED
