//! Languages, their stopword and modifier lists, and diacritic folding.
//!
//! Every list holds *folded* lowercase forms (see [`fold`]): the tokenizer folds a
//! word before looking it up, so "für" and "fur", "qué" and "que" both match.
//! The lists are kept sorted so that a lookup is a binary search; a unit test
//! checks both properties.

use rust_stemmers::Algorithm;

/// The language of the keywords: chooses the Snowball stemmer and the
/// stopword and modifier lists.
///
/// Only languages with a curated stopword list are offered; stemming without
/// stopwords would let function-word pairs ("how to") become cluster heads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// English (Snowball "english", i.e. Porter2). The default.
    #[default]
    English,
    /// Spanish.
    Spanish,
    /// French.
    French,
    /// German.
    German,
    /// Portuguese.
    Portuguese,
    /// Italian.
    Italian,
    /// Dutch.
    Dutch,
    /// Swedish.
    Swedish,
    /// Danish.
    Danish,
    /// Norwegian (Bokmål).
    Norwegian,
    /// Russian.
    Russian,
}

impl Language {
    /// Every supported language, in declaration order.
    pub const ALL: [Language; 11] = [
        Language::English,
        Language::Spanish,
        Language::French,
        Language::German,
        Language::Portuguese,
        Language::Italian,
        Language::Dutch,
        Language::Swedish,
        Language::Danish,
        Language::Norwegian,
        Language::Russian,
    ];

    /// Its ISO 639-1 code (`"en"`), which [`Language::from_code`] reads back.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::French => "fr",
            Language::German => "de",
            Language::Portuguese => "pt",
            Language::Italian => "it",
            Language::Dutch => "nl",
            Language::Swedish => "sv",
            Language::Danish => "da",
            Language::Norwegian => "no",
            Language::Russian => "ru",
        }
    }

    /// Its name in English (`"Portuguese"`), for menus.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Spanish",
            Language::French => "French",
            Language::German => "German",
            Language::Portuguese => "Portuguese",
            Language::Italian => "Italian",
            Language::Dutch => "Dutch",
            Language::Swedish => "Swedish",
            Language::Danish => "Danish",
            Language::Norwegian => "Norwegian",
            Language::Russian => "Russian",
        }
    }

    /// The language a setting names: an ISO 639-1 code (`"de"`), its English name
    /// (`"German"`) or its own (`"Deutsch"`), case-insensitive. `None` for another language.
    pub fn from_setting(text: &str) -> Option<Language> {
        let t = text.trim().to_lowercase();
        if let Some(found) = Language::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(&t))
        {
            return Some(found);
        }
        const OWN: [(&str, Language); 10] = [
            ("español", Language::Spanish),
            ("français", Language::French),
            ("deutsch", Language::German),
            ("português", Language::Portuguese),
            ("italiano", Language::Italian),
            ("nederlands", Language::Dutch),
            ("svenska", Language::Swedish),
            ("dansk", Language::Danish),
            ("norsk", Language::Norwegian),
            ("русский", Language::Russian),
        ];
        OWN.into_iter()
            .find(|(n, _)| *n == t)
            .map(|(_, l)| l)
            .or_else(|| Language::from_code(&t))
    }

    /// The language for an ISO 639-1 code such as `"en"`, `"es"` or `"pt-BR"`
    /// (case-insensitive; a region suffix after `-` or `_` is ignored).
    /// Returns `None` for an unsupported language.
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Some(match primary.as_str() {
            "en" => Language::English,
            "es" => Language::Spanish,
            "fr" => Language::French,
            "de" => Language::German,
            "pt" => Language::Portuguese,
            "it" => Language::Italian,
            "nl" => Language::Dutch,
            "sv" => Language::Swedish,
            "da" => Language::Danish,
            "no" | "nb" | "nn" => Language::Norwegian,
            "ru" => Language::Russian,
            _ => return None,
        })
    }

    /// The Snowball algorithm used for this language.
    pub(super) fn algorithm(self) -> Algorithm {
        match self {
            Language::English => Algorithm::English,
            Language::Spanish => Algorithm::Spanish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Italian => Algorithm::Italian,
            Language::Dutch => Algorithm::Dutch,
            Language::Swedish => Algorithm::Swedish,
            Language::Danish => Algorithm::Danish,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Russian => Algorithm::Russian,
        }
    }

    /// Function words, dropped from signatures (folded, sorted).
    pub(super) fn stopwords(self) -> &'static [&'static str] {
        match self {
            Language::English => EN_STOP,
            Language::Spanish => ES_STOP,
            Language::French => FR_STOP,
            Language::German => DE_STOP,
            Language::Portuguese => PT_STOP,
            Language::Italian => IT_STOP,
            Language::Dutch => NL_STOP,
            Language::Swedish => SV_STOP,
            Language::Danish => DA_STOP,
            Language::Norwegian => NO_STOP,
            Language::Russian => RU_STOP,
        }
    }

    /// Generic modifiers that do not define a topic, dropped from signatures
    /// (folded, sorted).
    pub(super) fn modifiers(self) -> &'static [&'static str] {
        match self {
            Language::English => EN_MOD,
            Language::Spanish => ES_MOD,
            Language::French => FR_MOD,
            Language::German => DE_MOD,
            Language::Portuguese => PT_MOD,
            Language::Italian => IT_MOD,
            Language::Dutch => NL_MOD,
            Language::Swedish => SV_MOD,
            Language::Danish => DA_MOD,
            Language::Norwegian => NO_MOD,
            Language::Russian => RU_MOD,
        }
    }
}

impl Language {
    /// Adjacent word pairs in which a modifier is part of a name or a fixed
    /// term ("new york", "gluten free", "tank top"): there the modifier is kept
    /// as a term. Folded, sorted by (first, second).
    pub(super) fn protected_pairs(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Language::English => EN_PROTECTED,
            Language::Spanish => ES_PROTECTED,
            Language::French => FR_PROTECTED,
            Language::Portuguese => PT_PROTECTED,
            Language::Italian => IT_PROTECTED,
            Language::Dutch => NL_PROTECTED,
            _ => &[],
        }
    }
}

/// English contraction endings that follow an apostrophe ("men's", "don't",
/// "you'll"); such a token is dropped in every language. Sorted.
#[rustfmt::skip]
pub(super) const CLITICS: &[&str] = &[
    "d", "ll", "m", "re", "s", "t", "ve",
];

/// Folds one lowercase character: Latin letters lose their diacritics
/// (é → e, ß → ss, æ → ae), `ё` becomes `е`, combining marks U+0300–U+036F are
/// dropped, everything else is kept. Returns up to two characters.
fn fold_char(c: char) -> [Option<char>; 2] {
    let one = |x: char| [Some(x), None];
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => one('a'),
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => one('c'),
        'ď' | 'đ' | 'ð' => one('d'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => one('e'),
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => one('g'),
        'ĥ' | 'ħ' => one('h'),
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => one('i'),
        'ĵ' => one('j'),
        'ķ' => one('k'),
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => one('l'),
        'ñ' | 'ń' | 'ņ' | 'ň' => one('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => one('o'),
        'ŕ' | 'ŗ' | 'ř' => one('r'),
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => one('s'),
        'ţ' | 'ť' | 'ŧ' | 'ț' => one('t'),
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => one('u'),
        'ŵ' => one('w'),
        'ý' | 'ÿ' | 'ŷ' => one('y'),
        'ź' | 'ż' | 'ž' => one('z'),
        'ß' => [Some('s'), Some('s')],
        'æ' => [Some('a'), Some('e')],
        'œ' => [Some('o'), Some('e')],
        'þ' => [Some('t'), Some('h')],
        'ё' => one('е'),
        '\u{0300}'..='\u{036F}' => [None, None],
        _ => one(c),
    }
}

/// Folds a lowercase string (see [`fold_char`]). ASCII input is returned
/// unchanged without inspecting each character's table entry.
pub(super) fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        for x in fold_char(c).into_iter().flatten() {
            out.push(x);
        }
    }
}

/// Folds a lowercase string into a new `String`.
pub(super) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Is `word` (folded) in the sorted `list`?
pub(super) fn in_list(list: &[&str], word: &str) -> bool {
    list.binary_search(&word).is_ok()
}

// ---------------------------------------------------------------------------
// Lists. Folded, lowercase, sorted (byte order), no duplicates.
// Directional particles such as up/down/off/out/over/under are deliberately
// *not* English stopwords: "pull down faucet", "over ear headphones",
// "under sink storage" depend on them.
// ---------------------------------------------------------------------------

#[rustfmt::skip]
const EN_STOP: &[&str] = &[
    "a", "about", "again", "all", "also", "am", "an", "and", "any", "are", "aren", "as", "at",
    "be", "because", "been", "being", "both", "but", "by", "can", "cannot", "could", "couldn",
    "did", "didn", "do", "does", "doesn", "doing", "don", "each", "either", "etc", "every", "few",
    "for", "from", "further", "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is",
    "isn", "it", "its", "itself", "just", "many", "me", "more", "most", "much", "must", "my",
    "myself", "neither", "nor", "not", "of", "on", "once", "only", "onto", "or", "other", "our",
    "ours", "ourselves", "own", "same", "shall", "she", "should", "shouldn", "so", "some", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
    "they", "this", "those", "through", "to", "too", "until", "versus", "very", "via", "vs", "was",
    "wasn", "we", "were", "weren", "what", "whats", "when", "where", "whether", "which", "while",
    "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "wouldn", "you",
    "your", "yours", "yourself", "yourselves",
];

#[rustfmt::skip]
const EN_MOD: &[&str] = &[
    "affordable", "best", "better", "budget", "buy", "cheap", "cheaper", "cheapest", "easy",
    "free", "good", "great", "greatest", "inexpensive", "latest", "near", "nearby", "new",
    "newest", "official", "online", "popular", "rated", "recommended", "review", "reviews", "top",
    "ultimate",
];

#[rustfmt::skip]
const ES_STOP: &[&str] = &[
    "a", "al", "algo", "algun", "alguna", "algunas", "alguno", "algunos", "ante", "aqui", "cada",
    "como", "con", "contra", "cual", "cuales", "cuando", "cuanto", "cuantos", "de", "del", "desde",
    "donde", "durante", "e", "el", "ella", "ellas", "ellos", "en", "entre", "era", "es", "esa",
    "esas", "ese", "eso", "esos", "esta", "estan", "estas", "este", "esto", "estos", "fue", "ha",
    "hacia", "hasta", "hay", "la", "las", "le", "les", "lo", "los", "mas", "me", "mi", "mis",
    "mucho", "muy", "ni", "nos", "nuestra", "nuestro", "o", "os", "para", "pero", "por", "porque",
    "que", "quien", "quienes", "se", "sea", "ser", "si", "sin", "sobre", "son", "su", "sus",
    "tambien", "te", "ti", "tu", "tus", "u", "un", "una", "unas", "uno", "unos", "usted", "vs",
    "y", "ya", "yo",
];

#[rustfmt::skip]
const ES_MOD: &[&str] = &[
    "barata", "baratas", "barato", "baratos", "buena", "buenas", "bueno", "buenos", "cerca",
    "comprar", "economica", "economicas", "economico", "economicos", "gratis", "gratuita",
    "gratuitas", "gratuito", "gratuitos", "mejor", "mejores", "nueva", "nuevas", "nuevo", "nuevos",
    "online", "opiniones", "top",
];

#[rustfmt::skip]
const FR_STOP: &[&str] = &[
    "a", "au", "aux", "avec", "c", "ce", "ceci", "cela", "ces", "cet", "cette", "combien", "comme",
    "comment", "d", "dans", "de", "des", "du", "elle", "elles", "en", "entre", "est", "et", "etre",
    "eux", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma",
    "mais", "me", "mes", "moi", "moins", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou",
    "par", "pas", "plus", "pour", "pourquoi", "qu", "quand", "que", "quel", "quelle", "quelles",
    "quels", "qui", "quoi", "s", "sa", "sans", "se", "ses", "son", "sont", "sur", "t", "ta", "te",
    "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "vs", "y",
];

#[rustfmt::skip]
const FR_MOD: &[&str] = &[
    "acheter", "avis", "bon", "bonne", "bonnes", "bons", "cher", "chere", "cheres", "chers",
    "gratis", "gratuit", "gratuite", "gratuites", "gratuits", "meilleur", "meilleure",
    "meilleures", "meilleurs", "nouveau", "nouveaux", "nouvel", "nouvelle", "nouvelles", "pres",
    "proche", "top",
];

#[rustfmt::skip]
const DE_STOP: &[&str] = &[
    "aber", "alle", "als", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "da", "das",
    "dass", "dem", "den", "der", "des", "die", "dies", "diese", "diesem", "diesen", "dieser",
    "dieses", "du", "durch", "ein", "eine", "einem", "einen", "einer", "eines", "er", "es", "fur",
    "gegen", "hat", "ich", "ihr", "ihre", "im", "in", "ist", "ja", "kann", "man", "mein", "meine",
    "mit", "nach", "nicht", "noch", "ob", "oder", "ohne", "sein", "seine", "sich", "sie", "sind",
    "so", "uber", "um", "und", "uns", "unser", "vom", "von", "vor", "vs", "wann", "warum", "was",
    "welche", "welcher", "welches", "wer", "wie", "wieviel", "wo", "zu", "zum", "zur",
];

#[rustfmt::skip]
const DE_MOD: &[&str] = &[
    "beste", "besten", "bester", "bestes", "billig", "billige", "billigen", "erfahrungen",
    "gratis", "guenstig", "gunstig", "gunstige", "gunstigen", "gunstigste", "kaufen", "kostenlos",
    "kostenlose", "kostenlosen", "nahe", "neu", "neue", "neuen", "neuer", "neues", "online",
    "test", "testsieger", "top", "vergleich",
];

#[rustfmt::skip]
const PT_STOP: &[&str] = &[
    "a", "ao", "aos", "as", "com", "como", "da", "das", "de", "do", "dos", "e", "ela", "elas",
    "ele", "eles", "em", "entre", "essa", "esse", "esta", "este", "eu", "isso", "isto", "mais",
    "mas", "me", "meu", "minha", "muito", "na", "nas", "no", "nos", "o", "onde", "os", "ou",
    "para", "pela", "pelas", "pelo", "pelos", "por", "porque", "quais", "qual", "quando", "quanto",
    "que", "quem", "sao", "se", "sem", "seu", "seus", "sobre", "sua", "suas", "te", "tem", "um",
    "uma", "umas", "uns", "voce", "vs",
];

#[rustfmt::skip]
const PT_MOD: &[&str] = &[
    "barata", "baratas", "barato", "baratos", "boa", "boas", "bom", "bons", "comprar", "gratis",
    "gratuita", "gratuitas", "gratuito", "gratuitos", "melhor", "melhores", "nova", "novas",
    "novo", "novos", "online", "perto", "top",
];

#[rustfmt::skip]
const IT_STOP: &[&str] = &[
    "a", "agli", "ai", "al", "all", "alla", "alle", "anche", "che", "chi", "ci", "come", "con",
    "cosa", "cui", "da", "dal", "dall", "dalla", "dei", "del", "dell", "della", "delle", "di",
    "dove", "e", "ed", "fra", "gli", "ha", "i", "il", "in", "io", "l", "la", "le", "lo", "ma",
    "mi", "ne", "nei", "nel", "nell", "nella", "non", "o", "per", "perche", "piu", "quale",
    "quali", "quando", "quanto", "se", "si", "sono", "su", "sul", "sull", "sulla", "tra", "tu",
    "un", "una", "uno", "vs",
];

#[rustfmt::skip]
const IT_MOD: &[&str] = &[
    "buona", "buone", "buoni", "buono", "comprare", "economica", "economiche", "economici",
    "economico", "gratis", "gratuita", "gratuite", "gratuiti", "gratuito", "migliore", "migliori",
    "nuova", "nuove", "nuovi", "nuovo", "online", "recensioni", "top", "vicino",
];

#[rustfmt::skip]
const NL_STOP: &[&str] = &[
    "aan", "al", "als", "bij", "dat", "de", "die", "dit", "een", "en", "er", "het", "hoe",
    "hoeveel", "ik", "in", "is", "je", "jij", "kan", "me", "met", "mijn", "na", "naar", "niet",
    "nog", "of", "om", "ons", "onze", "op", "te", "tot", "u", "uit", "van", "voor", "vs", "waar",
    "waarom", "wanneer", "wat", "welke", "wie", "wij", "ze", "zijn", "zo",
];

#[rustfmt::skip]
const NL_MOD: &[&str] = &[
    "beste", "ervaringen", "goed", "goede", "goedkoop", "goedkoopste", "goedkope", "gratis",
    "kopen", "nieuw", "nieuwe", "online", "review", "reviews", "top",
];

#[rustfmt::skip]
const SV_STOP: &[&str] = &[
    "alla", "allt", "an", "ar", "at", "av", "da", "dar", "de", "dem", "den", "denna", "deras",
    "dess", "dessa", "det", "detta", "dig", "din", "dina", "ditt", "du", "eller", "en", "er",
    "ett", "for", "fran", "ha", "hade", "han", "hans", "har", "hon", "honom", "hur", "i", "inte",
    "jag", "kan", "man", "med", "mig", "min", "mina", "mitt", "mot", "nar", "ni", "nu", "och",
    "om", "oss", "pa", "sa", "sig", "sin", "sina", "som", "till", "utan", "vad", "var", "vara",
    "varfor", "vem", "vi", "vilka", "vilken", "vilket", "vs",
];

#[rustfmt::skip]
const SV_MOD: &[&str] = &[
    "basta", "billig", "billiga", "billigaste", "bra", "gratis", "kop", "kopa", "ny", "nya",
    "nytt", "online", "recension", "recensioner", "test", "top",
];

#[rustfmt::skip]
const DA_STOP: &[&str] = &[
    "af", "alle", "at", "da", "de", "dem", "den", "denne", "der", "deres", "det", "dette", "dig",
    "din", "du", "eller", "en", "end", "er", "et", "for", "fra", "han", "hans", "har", "hun",
    "hvad", "hvilke", "hvilken", "hvis", "hvor", "hvordan", "hvorfor", "i", "ikke", "jeg", "kan",
    "man", "med", "men", "mig", "min", "mit", "og", "om", "os", "pa", "sig", "sin", "som", "til",
    "var", "vi", "vs",
];

#[rustfmt::skip]
const DA_MOD: &[&str] = &[
    "anmeldelse", "anmeldelser", "bedste", "billig", "billige", "billigste", "god", "gode",
    "gratis", "kob", "kobe", "ny", "nye", "nyt", "online", "test", "top",
];

#[rustfmt::skip]
const NO_STOP: &[&str] = &[
    "a", "alle", "at", "av", "da", "de", "deg", "dem", "den", "denne", "der", "deres", "det",
    "dette", "din", "ditt", "du", "eller", "en", "er", "et", "ett", "for", "fra", "han", "hans",
    "har", "hun", "hva", "hvem", "hvilke", "hvilken", "hvis", "hvor", "hvordan", "hvorfor", "i",
    "ikke", "jeg", "kan", "man", "med", "meg", "men", "min", "mitt", "na", "nar", "og", "om",
    "oss", "pa", "sa", "seg", "sin", "som", "til", "uten", "var", "vi", "vs",
];

#[rustfmt::skip]
const NO_MOD: &[&str] = &[
    "anmeldelse", "beste", "billig", "billige", "billigste", "god", "gode", "gratis", "kjop",
    "kjope", "ny", "nye", "nytt", "online", "test", "top",
];

#[rustfmt::skip]
const RU_STOP: &[&str] = &[
    "vs", "а", "без", "бы", "в", "вам", "вас", "во", "вы", "где", "да", "для", "до", "его", "ее",
    "если", "есть", "же", "за", "зачем", "и", "из", "или", "их", "к", "как", "какая", "какие",
    "какой", "когда", "ли", "мне", "мой", "мы", "на", "над", "не", "нет", "но", "о", "об", "он",
    "она", "они", "от", "по", "под", "почему", "при", "с", "сколько", "со", "так", "там", "то",
    "ты", "у", "уже", "что", "это", "я",
];

#[rustfmt::skip]
const RU_MOD: &[&str] = &[
    "бесплатно", "бесплатные", "бесплатный", "дешево", "дешевые", "дешевый", "купить", "лучшая",
    "лучшее", "лучшие", "лучший", "новые", "новый", "онлайн", "отзывы", "топ",
];

#[rustfmt::skip]
const EN_PROTECTED: &[(&str, &str)] = &[
    ("alcohol", "free"), ("best", "buy"), ("caffeine", "free"), ("crop", "top"),
    ("cruelty", "free"), ("dairy", "free"), ("duty", "free"), ("egg", "free"), ("fat", "free"),
    ("flat", "top"), ("free", "fall"), ("free", "kick"), ("free", "range"), ("free", "throw"),
    ("free", "will"), ("gluten", "free"), ("good", "friday"), ("grain", "free"), ("halter", "top"),
    ("hands", "free"), ("hard", "top"), ("interest", "free"), ("lactose", "free"),
    ("near", "field"), ("new", "balance"), ("new", "brunswick"), ("new", "caledonia"),
    ("new", "delhi"), ("new", "england"), ("new", "guinea"), ("new", "hampshire"),
    ("new", "haven"), ("new", "jersey"), ("new", "mexico"), ("new", "orleans"), ("new", "york"),
    ("new", "zealand"), ("nut", "free"), ("pop", "top"), ("rent", "free"), ("roof", "top"),
    ("smoke", "free"), ("soft", "top"), ("soy", "free"), ("spinning", "top"), ("sugar", "free"),
    ("table", "top"), ("tank", "top"), ("tax", "free"), ("toll", "free"), ("top", "gear"),
    ("top", "gun"), ("tube", "top"), ("wheat", "free"),
];

#[rustfmt::skip]
const ES_PROTECTED: &[(&str, &str)] = &[
    ("nueva", "delhi"), ("nueva", "jersey"), ("nueva", "orleans"), ("nueva", "york"),
    ("nueva", "zelanda"), ("nuevo", "laredo"), ("nuevo", "leon"), ("nuevo", "mexico"),
];

#[rustfmt::skip]
const FR_PROTECTED: &[(&str, &str)] = &[
    ("bon", "marche"), ("nouveau", "brunswick"), ("nouveau", "mexique"), ("nouvelle", "caledonie"),
    ("nouvelle", "guinee"), ("nouvelle", "orleans"), ("nouvelle", "zelande"),
];

#[rustfmt::skip]
const PT_PROTECTED: &[(&str, &str)] = &[
    ("nova", "delhi"), ("nova", "friburgo"), ("nova", "iorque"), ("nova", "jersey"),
    ("nova", "york"), ("nova", "zelandia"), ("novo", "hamburgo"), ("novo", "mexico"),
];

#[rustfmt::skip]
const IT_PROTECTED: &[(&str, &str)] = &[
    ("nuova", "caledonia"), ("nuova", "delhi"), ("nuova", "york"), ("nuova", "zelanda"),
    ("nuovo", "messico"),
];

#[rustfmt::skip]
const NL_PROTECTED: &[(&str, &str)] = &[
    ("nieuw", "zeeland"),
];

impl Language {
    /// Whether `keyword` is a question a searcher asks ("how to descale a kettle", "is
    /// espresso stronger than coffee?"): it ends with a question mark, or starts with one of
    /// the language's question words. The FAQ of an article is written from these.
    pub fn is_question(self, keyword: &str) -> bool {
        let keyword = keyword.trim();
        if keyword.ends_with('?') || keyword.starts_with('¿') {
            return true;
        }
        let first = keyword
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        self.question_words().contains(&first.as_str())
    }

    fn question_words(self) -> &'static [&'static str] {
        match self {
            Language::English => &[
                "are", "can", "could", "did", "do", "does", "has", "have", "how", "is", "should",
                "was", "were", "what", "when", "where", "which", "who", "whom", "whose", "why",
                "will", "would",
            ],
            Language::Spanish => &[
                "como", "cómo", "cual", "cuál", "cuales", "cuáles", "cuando", "cuándo", "cuanto",
                "cuánto", "cuanta", "cuánta", "donde", "dónde", "por", "puedo", "qué", "quien",
                "quién", "se",
            ],
            Language::French => &[
                "combien", "comment", "est-ce", "où", "peut-on", "pourquoi", "quand", "que",
                "quel", "quelle", "quelles", "quels", "qui", "quoi",
            ],
            Language::German => &[
                "darf", "gibt", "ist", "kann", "muss", "sind", "soll", "sollte", "wann", "warum",
                "was", "welche", "welcher", "welches", "wer", "weshalb", "wie", "wieso", "wo",
                "woher", "wohin",
            ],
            Language::Portuguese => &[
                "como", "onde", "o", "pode", "porque", "por", "qual", "quais", "quando", "quanto",
                "que", "quem",
            ],
            Language::Italian => &[
                "che", "chi", "come", "cosa", "dove", "perché", "perche", "qual", "quale", "quali",
                "quando", "quanto", "si",
            ],
            Language::Dutch => &[
                "hoe", "is", "kan", "kun", "mag", "moet", "waar", "waarom", "wanneer", "wat",
                "welke", "wie", "zijn",
            ],
            Language::Swedish => &[
                "hur", "kan", "när", "var", "varför", "vad", "vem", "vilken", "vilka", "är",
            ],
            Language::Danish => &[
                "hvad", "hvem", "hvilken", "hvilke", "hvor", "hvordan", "hvorfor", "hvornår",
                "kan", "er",
            ],
            Language::Norwegian => &[
                "hva", "hvem", "hvilken", "hvilke", "hvor", "hvordan", "hvorfor", "når", "kan",
                "er",
            ],
            Language::Russian => &[
                "где",
                "зачем",
                "как",
                "какой",
                "какая",
                "какие",
                "когда",
                "кто",
                "можно",
                "почему",
                "сколько",
                "что",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_told_from_other_searches() {
        let en = Language::English;
        assert!(en.is_question("how to descale an espresso machine"));
        assert!(en.is_question("Is espresso stronger than coffee"));
        assert!(en.is_question("espresso vs coffee?"));
        assert!(!en.is_question("best espresso machine"));
        assert!(
            !en.is_question("showerhead"),
            "a word that starts like one is not one"
        );
        assert!(Language::German.is_question("wie entkalke ich eine kaffeemaschine"));
        assert!(Language::Spanish.is_question("¿qué molinillo comprar?"));
        assert!(!Language::German.is_question("kaffeemaschine test"));
    }

    #[test]
    fn every_language_s_code_reads_back() {
        for l in Language::ALL {
            assert_eq!(Language::from_code(l.code()), Some(l), "{}", l.name());
        }
    }

    #[test]
    fn lists_are_folded_sorted_and_unique() {
        let mut all: Vec<(&str, &[&str])> = vec![("clitics", CLITICS)];
        for lang in Language::ALL {
            all.push(("stop", lang.stopwords()));
            all.push(("mod", lang.modifiers()));
        }
        for (what, list) in all {
            for w in list {
                assert_eq!(&fold(w), w, "{what} entry {w} is not folded");
                assert_eq!(&w.to_lowercase(), w, "{what} entry {w} is not lowercase");
            }
            for pair in list.windows(2) {
                assert!(pair[0] < pair[1], "{what}: {} !< {}", pair[0], pair[1]);
            }
        }
    }

    #[test]
    fn protected_pairs_are_folded_sorted_and_hold_a_modifier() {
        for lang in Language::ALL {
            let pairs = lang.protected_pairs();
            for &(a, b) in pairs {
                assert_eq!(fold(a), a);
                assert_eq!(fold(b), b);
                let m = lang.modifiers();
                assert!(
                    in_list(m, a) || in_list(m, b),
                    "{lang:?}: ({a}, {b}) has no modifier"
                );
            }
            for w in pairs.windows(2) {
                assert!(w[0] < w[1], "{lang:?}: {:?} !< {:?}", w[0], w[1]);
            }
        }
    }

    #[test]
    fn modifiers_and_stopwords_do_not_overlap() {
        for lang in Language::ALL {
            for m in lang.modifiers() {
                assert!(!in_list(lang.stopwords(), m), "{lang:?}: {m} in both lists");
            }
        }
    }

    #[test]
    fn folding() {
        assert_eq!(fold("café"), "cafe");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("crème brûlée"), "creme brulee");
        assert_eq!(fold("e\u{0301}t\u{0065}\u{0301}"), "ete");
        assert_eq!(fold("ёлка"), "елка");
        assert_eq!(fold("новости"), "новости");
        assert_eq!(fold("plain ascii"), "plain ascii");
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::from_code("en"), Some(Language::English));
        assert_eq!(Language::from_code("pt-BR"), Some(Language::Portuguese));
        assert_eq!(Language::from_code("NB_no"), Some(Language::Norwegian));
        assert_eq!(Language::from_code(""), None);
        assert_eq!(Language::from_code("xx"), None);
        assert_eq!(Language::default(), Language::English);
    }
}
