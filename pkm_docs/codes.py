"""The registry of the codes reported while reading, resolving and writing (PKM0xx, PKM900), one meaning each,
with an Indonesian and an English title and explanation. The checks' codes (PKM1xx) are registered with their
rules in ``checks/registry.py``; :func:`all_codes` gives both, and ``pkm check --explain CODE`` explains any.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ERROR, WARNING
from .model import Text


@dataclass(frozen=True)
class Code:
    """A diagnostic code that is not a check: what it means, in both languages (the same fields as a Rule)."""

    code: str
    name: str
    severity: str
    title: Text
    explanation: Text
    source: str | None = None


def _code(code: str, name: str, title: tuple[str, str], explanation: tuple[str, str],
          severity: str = ERROR) -> Code:
    return Code(code, name, severity, Text({"id": title[0], "en": title[1]}),
                Text({"id": explanation[0], "en": explanation[1]}))


CODES: dict[str, Code] = {c.code: c for c in (
    _code("PKM000", "usage", ("Perintah atau berkas tidak dapat dipakai", "Command or file cannot be used"),
          ("Baris perintah salah, atau berkas yang disebut tidak ada atau tidak dapat dibaca. Tidak ada yang ditulis; "
           "kode keluar 2.",
           "The command line is wrong, or a file it names does not exist or cannot be read. Nothing is written; "
           "the exit code is 2.")),
    _code("PKM001", "syntax", ("Kesalahan tata bahasa sumber", "Syntax error in the source"),
          ("Sumber .pkm tidak dapat diurai: tanda baca, kurung, atau tanda kutip tidak pada tempatnya. Pesan "
           "menunjuk baris dan kolomnya dan menyebut apa yang diharapkan.",
           "The .pkm source cannot be parsed: punctuation, a brace or a quote is out of place. The message points "
           "at the line and column and says what was expected.")),
    _code("PKM002", "bad-literal", ("Nilai tertulis tidak sah", "A written value is not valid"),
          ("Tanggal yang tidak ada, jumlah yang terlalu panjang, atau teks dengan karakter yang dapat menyembunyikan "
           "atau menyamarkan tulisan dalam dokumen hukum.",
           "A date that does not exist, an amount with too many digits, or a text holding a character that can hide "
           "or disguise words in a legal document.")),
    _code("PKM004", "text-blocks", ("Klausul dengan lebih dari satu blok teks", "Clause with more than one text block"),
          ("Setiap versi klausul memiliki satu blok `text { id: ... en: ... }`.",
           "Each clause version has one `text { id: ... en: ... }` block.")),
    _code("PKM010", "unknown-clause", ("Klausul tidak ada di pustaka", "Clause not in the library"),
          ("Perjanjian memakai klausul yang tidak ada di pustaka klausul; `pkm library list` menampilkan semuanya.",
           "The agreement uses a clause the clause library does not have; `pkm library list` shows them all.")),
    _code("PKM011", "no-matching-version", ("Tidak ada versi yang cocok", "No matching version"),
          ("Batasan versi (`@^2`, `@~2.1`, `@2.0.0`) tidak cocok dengan versi klausul yang dapat dipakai.",
           "The version constraint (`@^2`, `@~2.1`, `@2.0.0`) matches no usable version of the clause.")),
    _code("PKM012", "draft-clause", ("Klausul masih rancangan", "Clause is only a draft"),
          ("Versi klausul yang cocok masih berstatus rancangan (draft) dan tidak dapat dipakai dalam perjanjian.",
           "The matching clause version is still a draft and cannot be used in an agreement.")),
    _code("PKM013", "deprecated-clause", ("Klausul sudah tidak dianjurkan", "Clause is deprecated"),
          ("Versi klausul ini sudah digantikan; pesan menyebut penggantinya.",
           "This clause version has been replaced; the message names its replacement."), WARNING),
    _code("PKM014", "unknown-parameter", ("Parameter tidak dikenal", "Unknown parameter"),
          ("Klausul tidak memiliki parameter dengan nama itu.", "The clause has no parameter of that name.")),
    _code("PKM015", "wrong-value", ("Nilai tidak sesuai jenisnya", "Value does not fit its type"),
          ("Nilai yang ditulis tidak sesuai dengan jenis parameternya (jumlah uang, persen, tanggal, jangka waktu, "
           "luas, pihak, pilihan, pembagian, periode).",
           "The value written does not fit the parameter's type (amount, percent, date, duration, quantity, party, "
           "choice, allocation, period).")),
    _code("PKM016", "missing-argument", ("Parameter wajib tidak diisi", "Required parameter not given"),
          ("Klausul memerlukan nilai parameter ini dan parameter itu tidak memiliki nilai bawaan.",
           "The clause needs a value for this parameter and it has no default.")),
    _code("PKM017", "out-of-bounds", ("Nilai di luar batas", "Value out of bounds"),
          ("Nilai lebih kecil dari `min` atau lebih besar dari `max` yang ditetapkan pustaka.",
           "The value is below the `min` or above the `max` the library sets.")),
    _code("PKM018", "bad-condition", ("Syarat tidak dapat dinilai", "Condition cannot be evaluated"),
          ("Dua nilai dalam syarat `when` tidak dapat dibandingkan, atau nilainya tidak dapat dipakai dalam syarat.",
           "Two values of a `when` condition cannot be compared, or a value cannot be used in a condition.")),
    _code("PKM019", "unknown-condition-name", ("Nama tidak dikenal dalam syarat", "Unknown name in a condition"),
          ("Syarat `when` menyebut nama yang bukan masukan perjanjian (atau, dalam skema, bukan fakta yang dapat "
           "diuji skema).",
           "A `when` condition names something that is not an input of the agreement (or, in a scheme, not a fact "
           "a scheme can test).")),
    _code("PKM020", "given-twice", ("Disebut dua kali", "Given twice"),
          ("Nama, bidang, klausul, pihak, masukan, bahasa, atau kolom yang sama dinyatakan dua kali.",
           "The same name, field, clause, party, input, language or column is declared twice.")),
    _code("PKM021", "misplaced-declaration", ("Deklarasi di tempat yang salah", "Declaration in the wrong place"),
          ("Pustaka klausul memuat klausul, skema, dan glosarium; perjanjian memuat sisanya.",
           "A clause library holds clauses, schemes and a glossary; an agreement holds the rest.")),
    _code("PKM022", "unknown-field", ("Bidang tidak dikenal", "Unknown field"),
          ("Deklarasi memuat bidang yang tidak dikenal; pesan menyebut bidang yang dapat dipakai.",
           "A declaration holds a field it does not know; the message names the fields it takes.")),
    _code("PKM023", "bad-clause-header", ("Kepala klausul tidak lengkap", "Clause header incomplete"),
          ("Klausul memerlukan `status`, `section`, dan `title` yang sah.",
           "A clause needs a valid `status`, `section` and `title`.")),
    _code("PKM024", "provenance", ("Asal-usul klausul tidak jelas", "Clause provenance unclear"),
          ("Klausul yang disetujui menyebut siapa dan kapan menyetujuinya; teks model tidak menyebut persetujuan; "
           "klausul yang tidak dianjurkan menyebut penggantinya.",
           "An approved clause says who approved it and when; a model text claims no approval; a deprecated clause "
           "names its replacement.")),
    _code("PKM025", "missing-text", ("Teks dalam suatu bahasa tidak ada", "Text missing in a language"),
          ("Setiap klausul dan teks lepas ditulis dalam setiap bahasa perjanjian.",
           "Every clause and ad-hoc text is written in every language of the agreement.")),
    _code("PKM026", "bad-constraint", ("Batasan parameter tidak sah", "Invalid parameter constraint"),
          ("`min`, `max`, atau `default` tidak sesuai dengan jenis parameternya.",
           "A `min`, `max` or `default` does not fit the parameter's type.")),
    _code("PKM027", "unknown-type", ("Jenis parameter tidak dikenal", "Unknown parameter type"),
          ("Jenis parameter tidak dikenal atau tidak didukung (misalnya daftar dari daftar, satuan yang tidak "
           "dikenal).",
           "The parameter type is unknown or not supported (e.g. a list of lists, an unknown unit).")),
    _code("PKM028", "unknown-placeholder", ("Isian teks tidak dikenal", "Unknown placeholder"),
          ("Teks memakai `{nama}` yang bukan parameter, masukan, pihak, atau isian bawaan, atau bidang yang tidak "
           "dimilikinya.",
           "A text uses a `{name}` that is not a parameter, input, party or built-in placeholder, or a field it "
           "does not have.")),
    _code("PKM029", "languages-differ", ("Bahasa-bahasa klausul tidak sejajar", "Clause languages not parallel"),
          ("Setiap bahasa klausul memiliki ayat bernomor dan butir yang sama.",
           "Every language of a clause has the same numbered paragraphs and items.")),
    _code("PKM030", "bad-data-file", ("Berkas data tidak dapat dibaca", "Data file cannot be read"),
          ("Berkas data (YAML, JSON, CSV) tidak dapat dibaca sebagai data masukan: bentuk, kolom, atau sel yang "
           "salah.",
           "The data file (YAML, JSON, CSV) cannot be read as input data: a wrong shape, column or cell.")),
    _code("PKM031", "no-agreement", ("Perjanjian tidak lengkap", "Agreement incomplete"),
          ("Berkas tidak memiliki kepala `agreement { ... }` atau tidak memiliki pasal.",
           "The file has no `agreement { ... }` header, or no article.")),
    _code("PKM032", "missing-input", ("Masukan tidak diberi nilai", "Input has no value"),
          ("Masukan templat tidak diberi nilai dalam berkas data dan tidak memiliki nilai bawaan.",
           "A template's input has no value in the data file and no default.")),
    _code("PKM033", "unknown-input", ("Berkas data memberi masukan yang tidak diminta", "Data gives an unknown input"),
          ("Berkas data memberi nilai untuk nama yang bukan masukan templat.",
           "The data file gives a value for a name that is not an input of the template.")),
    _code("PKM034", "missing-header-field", ("Kepala perjanjian tidak lengkap", "Agreement header incomplete"),
          ("Kepala perjanjian memerlukan `title`, `number`, `scheme`, `languages`, `signed_on`, dan `signed_at`.",
           "The agreement header needs `title`, `number`, `scheme`, `languages`, `signed_on` and `signed_at`.")),
    _code("PKM035", "unknown-language", ("Bahasa tidak dikenal", "Unknown language"),
          ("Bahasa adalah `id` (Indonesia) dan `en` (Inggris); bahasa yang menentukan adalah salah satunya.",
           "Languages are `id` (Indonesian) and `en` (English); the governing language is one of them.")),
    _code("PKM036", "unknown-scheme", ("Skema tidak dikenal", "Unknown scheme"),
          ("Perjanjian menyebut skema yang tidak ada di pustaka.", "The agreement names a scheme the library lacks.")),
    _code("PKM037", "bad-party", ("Pihak tidak lengkap", "Party incomplete"),
          ("Perjanjian menyatakan paling sedikit dua pihak, masing-masing dengan peran, nama, penanda tangan, "
           "jabatan, dan alamat.",
           "An agreement declares at least two parties, each with a role, name, signatory, position and address.")),
    _code("PKM038", "ambiguous-role", ("Peran pihak tidak menunjuk satu pihak", "Role does not name one party"),
          ("Klausul menyebut `{government}` atau `{organisation}`, tetapi tidak ada atau ada lebih dari satu pihak "
           "dengan peran itu; pakai klausul yang menyebut pihaknya dengan parameter `party`.",
           "A clause writes `{government}` or `{organisation}`, but no party or more than one has that role; use a "
           "clause that names its parties with `party` parameters.")),
    _code("PKM039", "too-long", ("Teks atau angka terlalu panjang", "Text or number too long"),
          ("Teks atau deret angka melebihi batas yang dapat ditulis ke dokumen; pesan menyebut bidangnya.",
           "A text or a run of digits is longer than a document can hold; the message names the field.")),
    _code("PKM040", "bad-meaning", ("Makna parameter tidak sah", "Invalid parameter meaning"),
          ("`means` menyatakan arti nilai bagi pemeriksaan (shares, share, contributions, contribution, total_cost, "
           "seats, seats_reason, term, term_start, term_end, term_length, period); makna itu harus dikenal dan "
           "sesuai dengan jenis parameternya.",
           "`means` declares what a value means to the checks (shares, share, contributions, contribution, "
           "total_cost, seats, seats_reason, term, term_start, term_end, term_length, period); the meaning must be "
           "known and fit the parameter's type.")),
    _code("PKM900", "cannot-write", ("Dokumen tidak dapat ditulis", "Document cannot be written"),
          ("DOCX atau PDF tidak dapat dibuat dari perjanjian atau templat ini (misalnya templat kop surat yang rusak "
           "atau memuat kode); tidak ada berkas yang ditulis.",
           "The DOCX or PDF cannot be made from this agreement or template (for example a letterhead that is "
           "broken or holds code); no file is written.")),
)}


def all_codes() -> dict[str, object]:
    """Every code the tool can print, with what explains it: the codes above and the checks' rules."""
    from .checks.registry import RULES
    return {**CODES, **RULES}
