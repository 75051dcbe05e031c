/*
 * German, Spanish, Italian and Dutch for the template: the common clothing, shoe and bag nouns
 * with their gender, the colours in every form they take, and the sentences. An item whose
 * category has no noun here is written in English (the answer says so).
 *  - German: colour adjectives before the noun, strong endings without an article (schwarzer
 *    Mantel, schwarze Jacke, schwarzes Kleid, schwarze Stiefel); predicative words never change.
 *  - Dutch: before the noun, with -e except before a het-word in the singular (zwarte jurk,
 *    zwart T-shirt, zwarte schoenen).
 *  - Spanish and Italian: after the noun, agreeing in gender and number (vestido negro, falda
 *    negra, zapatillas negras; abito nero, scarpe nere); invariable colours (beige, rosa, blu)
 *    stay as they are.
 */
import type { GeneratedListing, ListingFacts, ListingOptions } from './listing';

export type PackLanguage = 'de' | 'es' | 'it' | 'nl';
/** m, f, n (German neuter, Dutch het-word); `pl` for nouns that are plural. */
type G = 'm' | 'f' | 'n';
type Noun = readonly [noun: string, g: G, plural?: 'pl'];

const pl = 'pl' as const;

const NOUNS: Record<PackLanguage, Record<string, Noun>> = {
  de: {
    't-shirts': ['T-Shirt', 'n'], 'tank-tops': ['Tanktop', 'n'], blouses: ['Bluse', 'f'], shirts: ['Hemd', 'n'], 'polo-shirts': ['Poloshirt', 'n'],
    jumpers: ['Pullover', 'm'], cardigans: ['Strickjacke', 'f'], sweatshirts: ['Sweatshirt', 'n'], dresses: ['Kleid', 'n'], skirts: ['Rock', 'm'],
    jeans: ['Jeans', 'f'], trousers: ['Hose', 'f'], shorts: ['Shorts', 'f', pl], jumpsuits: ['Jumpsuit', 'm'], coats: ['Mantel', 'm'], jackets: ['Jacke', 'f'],
    blazers: ['Blazer', 'm'], 'puffer-jackets': ['Daunenjacke', 'f'], 'leather-jackets': ['Lederjacke', 'f'], suits: ['Anzug', 'm'], swimwear: ['Badeanzug', 'm'],
    sneakers: ['Sneaker', 'm', pl], boots: ['Stiefel', 'm', pl], 'ankle-boots': ['Stiefeletten', 'f', pl], heels: ['Pumps', 'm', pl], sandals: ['Sandalen', 'f', pl],
    loafers: ['Loafer', 'm', pl], shoes: ['Schuhe', 'm', pl], 'formal-shoes': ['Anzugschuhe', 'm', pl], handbags: ['Handtasche', 'f'], backpacks: ['Rucksack', 'm'],
    wallets: ['Geldbörse', 'f'], watches: ['Uhr', 'f'], sunglasses: ['Sonnenbrille', 'f'], scarves: ['Schal', 'm'], hats: ['Hut', 'm'], belts: ['Gürtel', 'm'], gloves: ['Handschuhe', 'm', pl],
  },
  es: {
    't-shirts': ['camiseta', 'f'], 'tank-tops': ['camiseta de tirantes', 'f'], blouses: ['blusa', 'f'], shirts: ['camisa', 'f'], 'polo-shirts': ['polo', 'm'],
    jumpers: ['jersey', 'm'], cardigans: ['chaqueta de punto', 'f'], sweatshirts: ['sudadera', 'f'], dresses: ['vestido', 'm'], skirts: ['falda', 'f'],
    jeans: ['vaqueros', 'm', pl], trousers: ['pantalón', 'm'], shorts: ['pantalón corto', 'm'], jumpsuits: ['mono', 'm'], coats: ['abrigo', 'm'], jackets: ['chaqueta', 'f'],
    blazers: ['americana', 'f'], 'puffer-jackets': ['plumífero', 'm'], 'leather-jackets': ['chaqueta de cuero', 'f'], suits: ['traje', 'm'], swimwear: ['bañador', 'm'],
    sneakers: ['zapatillas', 'f', pl], boots: ['botas', 'f', pl], 'ankle-boots': ['botines', 'm', pl], heels: ['zapatos de tacón', 'm', pl], sandals: ['sandalias', 'f', pl],
    loafers: ['mocasines', 'm', pl], shoes: ['zapatos', 'm', pl], 'formal-shoes': ['zapatos de vestir', 'm', pl], handbags: ['bolso', 'm'], backpacks: ['mochila', 'f'],
    wallets: ['cartera', 'f'], watches: ['reloj', 'm'], sunglasses: ['gafas de sol', 'f', pl], scarves: ['bufanda', 'f'], hats: ['sombrero', 'm'], belts: ['cinturón', 'm'], gloves: ['guantes', 'm', pl],
  },
  it: {
    't-shirts': ['t-shirt', 'f'], 'tank-tops': ['canotta', 'f'], blouses: ['camicetta', 'f'], shirts: ['camicia', 'f'], 'polo-shirts': ['polo', 'f'],
    jumpers: ['maglione', 'm'], cardigans: ['cardigan', 'm'], sweatshirts: ['felpa', 'f'], dresses: ['abito', 'm'], skirts: ['gonna', 'f'],
    jeans: ['jeans', 'm', pl], trousers: ['pantaloni', 'm', pl], shorts: ['pantaloncini', 'm', pl], jumpsuits: ['tuta', 'f'], coats: ['cappotto', 'm'], jackets: ['giacca', 'f'],
    blazers: ['blazer', 'm'], 'puffer-jackets': ['piumino', 'm'], 'leather-jackets': ['giacca di pelle', 'f'], suits: ['completo', 'm'], swimwear: ['costume da bagno', 'm'],
    sneakers: ['sneakers', 'f', pl], boots: ['stivali', 'm', pl], 'ankle-boots': ['stivaletti', 'm', pl], heels: ['décolleté', 'f', pl], sandals: ['sandali', 'm', pl],
    loafers: ['mocassini', 'm', pl], shoes: ['scarpe', 'f', pl], 'formal-shoes': ['scarpe eleganti', 'f', pl], handbags: ['borsa', 'f'], backpacks: ['zaino', 'm'],
    wallets: ['portafoglio', 'm'], watches: ['orologio', 'm'], sunglasses: ['occhiali da sole', 'm', pl], scarves: ['sciarpa', 'f'], hats: ['cappello', 'm'], belts: ['cintura', 'f'], gloves: ['guanti', 'm', pl],
  },
  nl: {
    't-shirts': ['T-shirt', 'n'], 'tank-tops': ['tanktop', 'm'], blouses: ['blouse', 'm'], shirts: ['overhemd', 'n'], 'polo-shirts': ['poloshirt', 'n'],
    jumpers: ['trui', 'm'], cardigans: ['vest', 'n'], sweatshirts: ['sweater', 'm'], dresses: ['jurk', 'm'], skirts: ['rok', 'm'],
    jeans: ['jeans', 'm'], trousers: ['broek', 'm'], shorts: ['korte broek', 'm'], jumpsuits: ['jumpsuit', 'm'], coats: ['jas', 'm'], jackets: ['jack', 'n'],
    blazers: ['blazer', 'm'], 'puffer-jackets': ['donsjas', 'm'], 'leather-jackets': ['leren jas', 'm'], suits: ['pak', 'n'], swimwear: ['badpak', 'n'],
    sneakers: ['sneakers', 'm', pl], boots: ['laarzen', 'm', pl], 'ankle-boots': ['enkellaarsjes', 'm', pl], heels: ['pumps', 'm', pl], sandals: ['sandalen', 'm', pl],
    loafers: ['loafers', 'm', pl], shoes: ['schoenen', 'm', pl], 'formal-shoes': ['nette schoenen', 'm', pl], handbags: ['handtas', 'm'], backpacks: ['rugzak', 'm'],
    wallets: ['portemonnee', 'm'], watches: ['horloge', 'n'], sunglasses: ['zonnebril', 'm'], scarves: ['sjaal', 'm'], hats: ['hoed', 'm'], belts: ['riem', 'm'], gloves: ['handschoenen', 'm', pl],
  },
};

/** es/it: [m, f, m pl, f pl], or one form for an invariable colour. */
type Forms = readonly [string, string, string, string] | string;
const four = (m: string, f: string, mp: string, fp: string): Forms => [m, f, mp, fp];
const o4 = (stem: string) => four(`${stem}o`, `${stem}a`, `${stem}os`, `${stem}as`);
const i4 = (stem: string, plM = `${stem}i`, plF = `${stem}e`) => four(`${stem}o`, `${stem}a`, plM, plF);
const e2 = (stem: string, pl: string) => four(stem, stem, pl, pl);

const ES: Record<string, Forms> = {
  black: o4('negr'), white: o4('blanc'), grey: e2('gris', 'grises'), cream: 'crema', beige: 'beige', camel: 'camel', brown: e2('marrón', 'marrones'),
  apricot: 'albaricoque', orange: 'naranja', coral: e2('coral', 'corales'), red: o4('roj'), burgundy: 'burdeos', pink: 'rosa', 'light-pink': 'rosa claro',
  purple: o4('morad'), lilac: 'lila', 'light-blue': 'azul claro', blue: e2('azul', 'azules'), navy: 'azul marino', turquoise: 'turquesa', mint: 'verde menta',
  green: e2('verde', 'verdes'), 'dark-green': 'verde oscuro', khaki: 'caqui', mustard: 'mostaza', yellow: o4('amarill'), silver: o4('platead'), gold: o4('dorad'),
  multicolour: e2('multicolor', 'multicolores'), transparent: e2('transparente', 'transparentes'),
};
const IT: Record<string, Forms> = {
  black: i4('ner'), white: i4('bianc', 'bianchi', 'bianche'), grey: i4('grigi', 'grigi', 'grigie') /* grigio, grigia, grigi, grigie */, cream: 'crema', beige: 'beige', camel: 'cammello', brown: e2('marrone', 'marroni'),
  apricot: 'albicocca', orange: e2('arancione', 'arancioni'), coral: 'corallo', red: i4('ross'), burgundy: 'bordeaux', pink: 'rosa', 'light-pink': 'rosa chiaro',
  purple: 'viola', lilac: 'lilla', 'light-blue': i4('azzurr'), blue: 'blu', navy: 'blu navy', turquoise: e2('turchese', 'turchesi'), mint: 'verde menta',
  green: e2('verde', 'verdi'), 'dark-green': 'verde scuro', khaki: 'cachi', mustard: 'senape', yellow: i4('giall'), silver: i4('argentat'), gold: i4('dorat'),
  multicolour: e2('multicolore', 'multicolori'), transparent: e2('trasparente', 'trasparenti'),
};

/** German: the stem that takes the strong endings. */
const DE: Record<string, string> = {
  black: 'schwarz', white: 'weiß', grey: 'grau', cream: 'cremefarben', beige: 'beigefarben', camel: 'camelfarben', brown: 'braun', apricot: 'apricotfarben',
  orange: 'orangefarben', coral: 'korallenrot', red: 'rot', burgundy: 'bordeauxrot', pink: 'rosafarben', 'light-pink': 'roséfarben', purple: 'violett',
  lilac: 'fliederfarben', 'light-blue': 'hellblau', blue: 'blau', navy: 'marineblau', turquoise: 'türkisfarben', mint: 'mintgrün', green: 'grün',
  'dark-green': 'dunkelgrün', khaki: 'khakifarben', mustard: 'senfgelb', yellow: 'gelb', silver: 'silberfarben', gold: 'goldfarben', multicolour: 'mehrfarbig',
  transparent: 'transparent',
};
/** Dutch: [before a het-word in the singular, otherwise]. */
const NL: Record<string, readonly [string, string]> = {
  black: ['zwart', 'zwarte'], white: ['wit', 'witte'], grey: ['grijs', 'grijze'], cream: ['crème', 'crème'], beige: ['beige', 'beige'], camel: ['camel', 'camel'],
  brown: ['bruin', 'bruine'], apricot: ['abrikooskleurig', 'abrikooskleurige'], orange: ['oranje', 'oranje'], coral: ['koraalrood', 'koraalrode'], red: ['rood', 'rode'],
  burgundy: ['bordeaux', 'bordeaux'], pink: ['roze', 'roze'], 'light-pink': ['lichtroze', 'lichtroze'], purple: ['paars', 'paarse'], lilac: ['lila', 'lila'],
  'light-blue': ['lichtblauw', 'lichtblauwe'], blue: ['blauw', 'blauwe'], navy: ['marineblauw', 'marineblauwe'], turquoise: ['turquoise', 'turquoise'],
  mint: ['mintgroen', 'mintgroene'], green: ['groen', 'groene'], 'dark-green': ['donkergroen', 'donkergroene'], khaki: ['kaki', 'kaki'], mustard: ['mosterdgeel', 'mosterdgele'],
  yellow: ['geel', 'gele'], silver: ['zilverkleurig', 'zilverkleurige'], gold: ['goudkleurig', 'goudkleurige'], multicolour: ['veelkleurig', 'veelkleurige'], transparent: ['transparant', 'transparante'],
};

interface Phrases {
  size: string;
  shoeSize: string;
  oneSize: string;
  kids: (label: string) => string;
  of: string;
  gender: Record<string, string>;
  condition: Record<string, string>;
  /** The condition as a bullet point. */
  conditionLabel: Record<string, string>;
  titleNew: [withTags: string, withoutTags: string];
  labels: { brand: string; size: string; colour: string; condition: string; material: string; measurements: string; note: string };
  closing: { friendly: string; luxury: string; vintage: string };
}

const kidsLabel = (years: string, months: string, newborn: string) => (label: string) => label.replace(/^Newborn$/, newborn).replace(/ months?$/, ` ${months}`).replace(/ years?$/, ` ${years}`);

/** {neuf}, {worn} and {sold} stand for the words that agree with the noun. */
const PHRASES: Record<PackLanguage, Phrases> = {
  de: {
    size: 'Größe', shoeSize: 'Größe', oneSize: 'Einheitsgröße', kids: kidsLabel('Jahre', 'Monate', 'Neugeborene'), of: 'von',
    gender: { women: 'für Damen', men: 'für Herren', unisex: 'unisex', girls: 'für Mädchen', boys: 'für Jungen' },
    condition: {
      new_with_tags: 'Neu mit Etikett, nie {worn}.', new_without_tags: 'Neu ohne Etikett, nie {worn}.', new_with_defects: 'Neu und nie {worn}, mit einem kleinen Makel.',
      like_new: 'Wie neu: ein- oder zweimal {worn}, ohne sichtbare Gebrauchsspuren.', very_good: 'Sehr guter Zustand: leichte Gebrauchsspuren, keine nennenswerten Mängel.',
      good: 'Guter Zustand mit sichtbaren Gebrauchsspuren.', fair: 'Akzeptabler Zustand mit deutlichen Gebrauchsspuren.', for_parts: 'Für Ersatzteile oder zur Reparatur.',
    },
    conditionLabel: { new_with_tags: 'neu mit Etikett', new_without_tags: 'neu ohne Etikett', new_with_defects: 'neu mit Mängeln', like_new: 'wie neu', very_good: 'sehr gut', good: 'gut', fair: 'akzeptabel', for_parts: 'für Ersatzteile' },
    titleNew: ['neu mit Etikett', 'neu'],
    labels: { brand: 'Marke', size: 'Größe', colour: 'Farbe', condition: 'Zustand', material: 'Material', measurements: 'Maße', note: 'Bitte beachten' },
    closing: { friendly: 'Bei Fragen melde dich gerne!', luxury: 'Für Fragen stehe ich Ihnen gerne zur Verfügung.', vintage: 'Ein Second-Hand-Stück für eine nachhaltigere Garderobe.' },
  },
  es: {
    size: 'talla', shoeSize: 'talla', oneSize: 'talla única', kids: kidsLabel('años', 'meses', 'recién nacido'), of: 'de',
    gender: { women: 'para mujer', men: 'para hombre', unisex: 'unisex', girls: 'para niña', boys: 'para niño' },
    condition: {
      new_with_tags: '{Neuf} con etiqueta, sin estrenar.', new_without_tags: '{Neuf} sin etiqueta, sin estrenar.', new_with_defects: '{Neuf} y sin estrenar, con un pequeño defecto.',
      like_new: 'Como {neuf}: {worn} una o dos veces, sin signos de uso visibles.', very_good: 'En muy buen estado: ligeros signos de uso, sin defectos destacables.',
      good: 'En buen estado, con signos de uso visibles.', fair: 'En estado aceptable, con signos de uso evidentes.', for_parts: 'Se vende para piezas o reparación.',
    },
    conditionLabel: { new_with_tags: 'nuevo con etiqueta', new_without_tags: 'nuevo sin etiqueta', new_with_defects: 'nuevo con defectos', like_new: 'como nuevo', very_good: 'muy bueno', good: 'bueno', fair: 'aceptable', for_parts: 'para piezas' },
    titleNew: ['{neuf} con etiqueta', '{neuf}'],
    labels: { brand: 'Marca', size: 'Talla', colour: 'Color', condition: 'Estado', material: 'Material', measurements: 'Medidas', note: 'A tener en cuenta' },
    closing: { friendly: '¡No dudes en preguntarme lo que necesites!', luxury: 'Quedo a su disposición para cualquier consulta.', vintage: 'Un artículo de segunda mano, para un consumo más sostenible.' },
  },
  it: {
    size: 'taglia', shoeSize: 'numero', oneSize: 'taglia unica', kids: kidsLabel('anni', 'mesi', 'neonato'), of: 'di',
    gender: { women: 'da donna', men: 'da uomo', unisex: 'unisex', girls: 'da bambina', boys: 'da bambino' },
    condition: {
      new_with_tags: '{Neuf} con cartellino, mai {worn}.', new_without_tags: '{Neuf} senza cartellino, mai {worn}.', new_with_defects: '{Neuf} e mai {worn}, con un piccolo difetto.',
      like_new: 'Come {neuf}: {worn} una o due volte, senza segni di usura visibili.', very_good: 'In ottime condizioni: lievi segni di usura, nessun difetto rilevante.',
      good: 'In buone condizioni, con segni di usura visibili.', fair: 'In condizioni discrete, con evidenti segni di usura.', for_parts: '{Sold} per ricambi o da riparare.',
    },
    conditionLabel: { new_with_tags: 'nuovo con cartellino', new_without_tags: 'nuovo senza cartellino', new_with_defects: 'nuovo con difetti', like_new: 'come nuovo', very_good: 'ottime', good: 'buone', fair: 'discrete', for_parts: 'per ricambi' },
    titleNew: ['{neuf} con cartellino', '{neuf}'],
    labels: { brand: 'Marca', size: 'Taglia', colour: 'Colore', condition: 'Condizioni', material: 'Materiale', measurements: 'Misure', note: 'Da notare' },
    closing: { friendly: 'Non esitare a farmi domande!', luxury: 'Resto a disposizione per qualsiasi domanda.', vintage: 'Un articolo di seconda mano, per un consumo più sostenibile.' },
  },
  nl: {
    size: 'maat', shoeSize: 'maat', oneSize: 'one size', kids: kidsLabel('jaar', 'maanden', 'pasgeboren'), of: 'van',
    gender: { women: 'voor dames', men: 'voor heren', unisex: 'unisex', girls: 'voor meisjes', boys: 'voor jongens' },
    condition: {
      new_with_tags: 'Nieuw met label, nooit {worn}.', new_without_tags: 'Nieuw zonder label, nooit {worn}.', new_with_defects: 'Nieuw en nooit {worn}, met een klein defect.',
      like_new: 'Zo goed als nieuw: een of twee keer {worn}, zonder zichtbare gebruikssporen.', very_good: 'In zeer goede staat: lichte gebruikssporen, geen noemenswaardige gebreken.',
      good: 'In goede staat, met zichtbare gebruikssporen.', fair: 'In redelijke staat, met duidelijke gebruikssporen.', for_parts: 'Voor onderdelen of reparatie.',
    },
    conditionLabel: { new_with_tags: 'nieuw met label', new_without_tags: 'nieuw zonder label', new_with_defects: 'nieuw met gebreken', like_new: 'zo goed als nieuw', very_good: 'zeer goed', good: 'goed', fair: 'redelijk', for_parts: 'voor onderdelen' },
    titleNew: ['nieuw met label', 'nieuw'],
    labels: { brand: 'Merk', size: 'Maat', colour: 'Kleur', condition: 'Staat', material: 'Materiaal', measurements: 'Afmetingen', note: 'Let op' },
    closing: { friendly: 'Stel gerust je vragen!', luxury: 'Voor vragen sta ik graag tot uw beschikking.', vintage: 'Een tweedehands item, voor een duurzamere garderobe.' },
  },
};

/** The words that agree with the noun, per language: [m, f, m pl, f pl]. */
const AGREE: Record<'es' | 'it', Record<'neuf' | 'worn' | 'used' | 'sold', readonly [string, string, string, string]>> = {
  es: { neuf: ['nuevo', 'nueva', 'nuevos', 'nuevas'], worn: ['usado', 'usada', 'usados', 'usadas'], used: ['usado', 'usada', 'usados', 'usadas'], sold: ['vendido', 'vendida', 'vendidos', 'vendidas'] },
  it: { neuf: ['nuovo', 'nuova', 'nuovi', 'nuove'], worn: ['indossato', 'indossata', 'indossati', 'indossate'], used: ['usato', 'usata', 'usati', 'usate'], sold: ['venduto', 'venduta', 'venduti', 'vendute'] },
};

const capitalise = (s: string) => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));
const join = (parts: (string | null | undefined | false)[]) => parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
const PREFIX = /^(women|men|girls|boys|baby|kids|home)-/;
const SHOES = new Set(['eu_shoe', 'uk_shoe', 'us_shoe']);
const NEW = new Set(['new_with_tags', 'new_without_tags', 'new_with_defects']);

/** The noun of a category in a language, or null when this language does not have it here. */
export function packNoun(language: PackLanguage, slug: string): Noun | null {
  return NOUNS[language][slug] ?? NOUNS[language][slug.replace(PREFIX, '')] ?? null;
}

function pick(forms: Forms, g: G, plural: boolean): string {
  return typeof forms === 'string' ? forms : forms[(plural ? 2 : 0) + (g === 'f' ? 1 : 0)]!;
}

/** The noun with its colour: before it (de, nl) or after it (es, it), agreeing. */
function withColour(language: PackLanguage, noun: Noun, colour: string | null): string {
  const [text, g, plural] = noun;
  if (!colour) return text;
  const many = plural === 'pl';
  switch (language) {
    case 'de': {
      const stem = DE[colour];
      return stem ? `${stem}${many ? 'e' : g === 'm' ? 'er' : g === 'f' ? 'e' : 'es'} ${text}` : text;
    }
    case 'nl': {
      const forms = NL[colour];
      return forms ? `${g === 'n' && !many ? forms[0] : forms[1]} ${text}` : text;
    }
    case 'es':
    case 'it': {
      const forms = (language === 'es' ? ES : IT)[colour];
      return forms ? `${text} ${pick(forms, g, many)}` : text;
    }
  }
}

function fill(language: PackLanguage, template: string, noun: Noun, worn: boolean): string {
  const [, g, plural] = noun;
  const many = plural === 'pl';
  const word = (w: 'neuf' | 'worn' | 'used' | 'sold') => {
    if (language === 'es' || language === 'it') return pick(AGREE[language][w], g, many);
    if (language === 'de') return w === 'worn' ? 'getragen' : w === 'used' ? 'benutzt' : w;
    return w === 'worn' ? 'gedragen' : w === 'used' ? 'gebruikt' : w;
  };
  return template
    .replace('{Neuf}', capitalise(word('neuf')))
    .replace('{neuf}', word('neuf'))
    .replace('{Sold}', capitalise(word('sold')))
    .replace('{worn}', word(worn ? 'worn' : 'used'));
}

function sizeOf(p: Phrases, facts: ListingFacts): string | null {
  const size = facts.size;
  if (!size) return null;
  if (size.system === 'one_size') return p.oneSize;
  if (size.system === 'kids_age') return `${p.size} ${p.kids(size.label)}`;
  return `${SHOES.has(size.system) ? p.shoeSize : p.size} ${size.label}`;
}

function colourWord(language: PackLanguage, slug: string): string | null {
  switch (language) {
    case 'de':
      return DE[slug] ?? null;
    case 'nl':
      return NL[slug]?.[0] ?? null;
    default: {
      const forms = (language === 'es' ? ES : IT)[slug];
      return forms ? pick(forms, 'm', false) : null;
    }
  }
}

/** The listing in a language of the pack, or null when the category's noun is not known in it. */
export function packListing(language: PackLanguage, facts: ListingFacts, options: ListingOptions): GeneratedListing | null {
  const noun = packNoun(language, facts.category.code);
  if (!noun) return null;
  const p = PHRASES[language];
  const worn = true; // every noun of the pack is worn or carried
  const head = capitalise(withColour(language, noun, facts.color?.code ?? null));
  const size = sizeOf(p, facts);
  const gender = facts.gender ? p.gender[facts.gender.code] ?? null : null;
  const code = facts.condition.code;
  const titleNew = code === 'new_with_tags' ? p.titleNew[0] : code === 'new_without_tags' ? p.titleNew[1] : null;
  const title = join([head, facts.brand, size, titleNew && `– ${fill(language, titleNew, noun, worn)}`]);
  const identity = `${join([head, facts.brand && `${p.of} ${facts.brand}`, gender])}${size ? `, ${size}` : ''}.`;
  const lines = [identity, p.condition[code] ? fill(language, p.condition[code]!, noun, worn) : `${p.labels.condition}: ${facts.condition.en.toLowerCase()}.`];
  if (options.length !== 'short') {
    if (facts.materials.length > 0) lines.push(`${p.labels.material}: ${facts.materials.join(', ')}.`);
    if (facts.measurements.length > 0) lines.push(`${p.labels.measurements}: ${facts.measurements.join(', ')}.`);
    if (facts.defects.length > 0) lines.push(`${p.labels.note}: ${facts.defects.join(', ')}.`);
  }
  const colour = facts.color ? colourWord(language, facts.color.code) : null;
  const bullets = [
    facts.brand && `${p.labels.brand}: ${facts.brand}`,
    size && `${p.labels.size}: ${size.replace(new RegExp(`^(${p.size}|${p.shoeSize}) `), '')}`,
    colour && `${p.labels.colour}: ${colour}`,
    `${p.labels.condition}: ${p.conditionLabel[code] ?? facts.condition.en.toLowerCase()}`,
    facts.materials.length > 0 && `${p.labels.material}: ${facts.materials.join(', ')}`,
  ].filter((b): b is string => typeof b === 'string');
  const paragraphs = [lines.join(' ')];
  if (options.length === 'long') paragraphs.push(bullets.map((b) => `• ${b}`).join('\n'));
  if (options.length !== 'short' && options.tone !== 'neutral' && !(options.tone === 'vintage' && NEW.has(code))) paragraphs.push(p.closing[options.tone]);
  const seen = new Set<string>();
  const tags = [noun[0], colour, facts.brand, gender]
    .filter((t): t is string => typeof t === 'string' && t !== '')
    .map((t) => t.toLowerCase())
    .filter((t) => !seen.has(t) && seen.add(t));
  return { title, description: paragraphs.join('\n\n'), tags, bullet_points: bullets };
}
