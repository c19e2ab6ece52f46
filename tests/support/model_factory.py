"""A hand-built agreement model for renderer tests that must not depend on the parser or the library."""

from __future__ import annotations

import datetime

from pkm_docs.model import Agreement, Article, ClauseUse, Manifest, ManifestEntry, Paragraph, Party, Text


def T(id_text: str, en_text: str) -> Text:
    return Text({"id": id_text, "en": en_text})


def make_agreement(party_name: str = "Yayasan Kasih Ibu Flobamora", articles: int = 3) -> Agreement:
    """A small bilingual agreement; ``party_name`` lets tests put hostile text where users type."""
    arts = []
    for n in range(1, articles + 1):
        arts.append(Article(
            number=n,
            title=T(f"JUDUL PASAL {n}", f"ARTICLE TITLE {n}"),
            clauses=(ClauseUse("purpose.scope", "1.0.0", "ab" * 32, "approved", "purpose", True, paragraphs=(
                Paragraph(T(f"Isi pertama pasal {n} sebesar Rp950.000.000,00 (sembilan ratus lima puluh juta rupiah).",
                            f"First content of article {n} amounting to IDR 950,000,000.00 (nine hundred fifty million rupiah)."), 1,
                          clause_id="purpose.scope"),
                Paragraph(T("Kegiatan meliputi:", "The activities include:"), 2,
                          (T("kelas ibu hamil;", "antenatal classes;"), T("posyandu.", "integrated health posts.")),
                          clause_id="purpose.scope"),
            )),),
        ))
    opening = Article(None, T("", ""), (ClauseUse("opening.standard", "1.0.0", "cd" * 32, "approved", "opening", True, paragraphs=(Paragraph(T("Pada hari ini Selasa, tanggal satu, bulan Desember, tahun dua ribu dua puluh enam (01-12-2026), bertempat di Kupang, kami yang bertanda tangan di bawah ini:",
                                                   "On this day, Tuesday, the first day of December, two thousand twenty-six (01-12-2026), at Kupang, we the undersigned:")),)),),
                      kind="preamble")
    closing = Article(None, T("", ""), (ClauseUse("closing.standard", "1.0.0", "ef" * 32, "approved", "closing", True, paragraphs=(Paragraph(T("Demikian Perjanjian ini dibuat dalam rangkap 2 (dua), masing-masing bermeterai cukup dan mempunyai kekuatan hukum yang sama.",
                                                   "This Agreement is made in 2 (two) originals, each bearing sufficient duty stamps and having equal legal force.")),)),),
                      kind="closing")
    parties = (
        Party("dinkes", "government", T("PIHAK PERTAMA", "FIRST PARTY"), T("Dinas Kesehatan Kota Kupang", "Kupang City Health Office"),
              "dr. Maria Y. Lerik, M.Kes.", T("Kepala Dinas Kesehatan Kota Kupang", "Head of the Kupang City Health Office"),
              T("Surat Kuasa Wali Kota Kupang Nomor 180/45/HK/2026", "Power of Attorney of the Mayor of Kupang Number 180/45/HK/2026"),
              Text.same("Jalan S. K. Lerik Nomor 12, Kota Kupang"), "440/1127/DINKES/XII/2026"),
        Party("yayasan", "organisation", T("PIHAK KEDUA", "SECOND PARTY"), Text.same(party_name),
              "Yohana Ndun, S.K.M.", T("Ketua Pengurus", "Chair of the Board"),
              T("Akta Pendirian Nomor 7", "Deed of Establishment Number 7"),
              Text.same("Jalan Timor Raya Nomor 88, Kota Kupang"), "012/YKIF/XII/2026"),
    )
    manifest = Manifest(
        (ManifestEntry("purpose.scope", "1.0.0", "ab" * 32, "approved"),),
        "pkm-docs standard library", "2026.11.0", "examples/x.pkm", "00" * 32, "pkm-docs 0.1.0",
    )
    labels = {
        "article": T("Pasal", "Article"), "number": T("Nomor", "Number"), "page": T("Halaman", "Page"),
        "of": T("dari", "of"), "initials": T("Paraf", "Initials"), "meterai": T("Meterai Rp10.000", "Rp10,000 duty stamp"),
        "between": T("antara", "between"), "and": T("dan", "and"), "draft": T("RANCANGAN", "DRAFT"),
    }
    return Agreement(
        title=T("PERJANJIAN KEMITRAAN TENTANG PELAYANAN KESEHATAN IBU DAN ANAK", "PARTNERSHIP AGREEMENT ON MATERNAL AND CHILD HEALTH SERVICES"),
        number="440/1127/DINKES/XII/2026", scheme="pkm-standar", languages=("id", "en"), governing_language="id",
        signing_date=datetime.date(2026, 12, 1), signing_place=Text.same("Kupang"), parties=parties,
        preamble=(opening,), articles=tuple(arts), closing=(closing,), manifest=manifest, labels=labels,
    )


def with_paragraphs(article: Article, paragraphs: tuple[Paragraph, ...]) -> Article:
    """``article`` whose one clause use holds ``paragraphs`` instead of its own."""
    import dataclasses
    (use,) = article.clauses
    return dataclasses.replace(article, clauses=(dataclasses.replace(use, paragraphs=tuple(paragraphs)),))
