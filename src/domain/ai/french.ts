/*
 * French agreement for listings: the noun a category is sold as (singular, or plural for what
 * comes in pairs), its gender, and the adjectives that agree with it (colours, "neuf", "porté").
 * English needs only the noun and whether it is plural ("jeans", "sneakers").
 */

export type Gender = 'm' | 'f';

export interface CategoryNoun {
  en: string;
  /** English noun is plural (jeans, trousers, sneakers). */
  enPlural?: boolean;
  fr: string;
  g: Gender;
  /** French noun is plural (baskets, lunettes). */
  pl?: boolean;
  /** Worn (clothing, shoes, accessories): "never worn" rather than "never used". */
  worn?: boolean;
}

const w = (en: string, fr: string, g: Gender, extra: Partial<CategoryNoun> = {}): CategoryNoun => ({ en, fr, g, worn: true, ...extra });
const o = (en: string, fr: string, g: Gender, extra: Partial<CategoryNoun> = {}): CategoryNoun => ({ en, fr, g, ...extra });

/** By category slug without its tree prefix (women-, girls-, boys-, baby-, kids-, home-). */
const NOUNS: Record<string, CategoryNoun> = {
  't-shirts': w('T-shirt', 'T-shirt', 'm'),
  'tank-tops': w('tank top', 'débardeur', 'm'),
  blouses: w('blouse', 'blouse', 'f'),
  shirts: w('shirt', 'chemise', 'f'),
  'dress-shirts': w('dress shirt', 'chemise habillée', 'f'),
  'crop-tops': w('crop top', 'top court', 'm'),
  bodysuits: w('bodysuit', 'body', 'm'),
  'polo-shirts': w('polo shirt', 'polo', 'm'),
  jumpers: w('jumper', 'pull', 'm'),
  cardigans: w('cardigan', 'gilet', 'm'),
  sweatshirts: w('sweatshirt', 'sweat', 'm'),
  dresses: w('dress', 'robe', 'f'),
  skirts: w('skirt', 'jupe', 'f'),
  jeans: w('jeans', 'jean', 'm', { enPlural: true }),
  trousers: w('trousers', 'pantalon', 'm', { enPlural: true }),
  shorts: w('shorts', 'short', 'm', { enPlural: true }),
  jumpsuits: w('jumpsuit', 'combinaison', 'f'),
  coats: w('coat', 'manteau', 'm'),
  jackets: w('jacket', 'veste', 'f'),
  blazers: w('blazer', 'blazer', 'm'),
  'puffer-jackets': w('puffer jacket', 'doudoune', 'f'),
  'trench-coats': w('trench coat', 'trench', 'm'),
  'leather-jackets': w('leather jacket', 'veste en cuir', 'f'),
  suits: w('suit', 'costume', 'm'),
  waistcoats: w('waistcoat', 'gilet de costume', 'm'),
  swimwear: w('swimsuit', 'maillot de bain', 'm'),
  nightwear: w('pyjamas', 'pyjama', 'm', { enPlural: true }),
  sneakers: w('sneakers', 'baskets', 'f', { enPlural: true, pl: true }),
  boots: w('boots', 'bottes', 'f', { enPlural: true, pl: true }),
  'ankle-boots': w('ankle boots', 'bottines', 'f', { enPlural: true, pl: true }),
  heels: w('heels', 'escarpins', 'm', { enPlural: true, pl: true }),
  flats: w('ballet flats', 'ballerines', 'f', { enPlural: true, pl: true }),
  sandals: w('sandals', 'sandales', 'f', { enPlural: true, pl: true }),
  loafers: w('loafers', 'mocassins', 'm', { enPlural: true, pl: true }),
  espadrilles: w('espadrilles', 'espadrilles', 'f', { enPlural: true, pl: true }),
  slippers: w('slippers', 'chaussons', 'm', { enPlural: true, pl: true }),
  'formal-shoes': w('shoes', 'chaussures de ville', 'f', { enPlural: true, pl: true }),
  shoes: w('shoes', 'chaussures', 'f', { enPlural: true, pl: true }),
  handbags: w('handbag', 'sac à main', 'm'),
  'shoulder-bags': w('shoulder bag', 'sac porté épaule', 'm'),
  'crossbody-bags': w('crossbody bag', 'sac bandoulière', 'm'),
  'tote-bags': w('tote bag', 'sac cabas', 'm'),
  backpacks: w('backpack', 'sac à dos', 'm'),
  'messenger-bags': w('messenger bag', 'sacoche', 'f'),
  'travel-bags': w('travel bag', 'sac de voyage', 'm'),
  clutches: w('clutch', 'pochette', 'f'),
  wallets: w('wallet', 'portefeuille', 'm'),
  necklaces: w('necklace', 'collier', 'm'),
  bracelets: w('bracelet', 'bracelet', 'm'),
  rings: w('ring', 'bague', 'f'),
  watches: w('watch', 'montre', 'f'),
  sunglasses: w('sunglasses', 'lunettes de soleil', 'f', { enPlural: true, pl: true }),
  scarves: w('scarf', 'écharpe', 'f'),
  hats: w('hat', 'chapeau', 'm'),
  belts: w('belt', 'ceinture', 'f'),
  gloves: w('gloves', 'gants', 'm', { enPlural: true, pl: true }),
  ties: w('tie', 'cravate', 'f'),
  sleepsuits: w('sleepsuit', 'grenouillère', 'f'),
  outfits: w('outfit', 'ensemble', 'm'),
  outerwear: w('coat', 'manteau', 'm'),
  'soft-toys': o('soft toy', 'peluche', 'f'),
  dolls: o('doll', 'poupée', 'f'),
  pushchairs: o('pushchair', 'poussette', 'f'),
  'car-seats': o('car seat', 'siège auto', 'm'),
  'high-chairs': o('high chair', 'chaise haute', 'f'),
  mirrors: o('mirror', 'miroir', 'm'),
  vases: o('vase', 'vase', 'm'),
  cushions: o('cushion', 'coussin', 'm'),
  rugs: o('rug', 'tapis', 'm'),
  tables: o('table', 'table', 'f'),
  lamps: o('lamp', 'lampe', 'f'),
  'mobile-phones': o('mobile phone', 'téléphone portable', 'm'),
  computers: o('computer', 'ordinateur', 'm'),
  tablets: o('tablet', 'tablette', 'f'),
  headphones: o('headphones', 'casque', 'm', { enPlural: true }),
  speakers: o('speaker', 'enceinte', 'f'),
  cameras: o('camera', 'appareil photo', 'm'),
  'game-consoles': o('game console', 'console de jeux', 'f'),
  smartwatches: o('smartwatch', 'montre connectée', 'f'),
  'vinyl-records': o('vinyl record', 'vinyle', 'm'),
  'video-games': o('video game', 'jeu vidéo', 'm'),
  'board-games': o('board game', 'jeu de société', 'm'),
  // Clothing, shoes and accessories the lists above do not name.
  activewear: w('activewear', 'vêtement de sport', 'm'),
  lingerie: w('lingerie', 'lingerie', 'f'),
  maternity: w('maternity wear', 'vêtement de grossesse', 'm'),
  mules: w('mules', 'mules', 'f', { pl: true, enPlural: true }),
  earrings: w('earrings', "boucles d'oreilles", 'f', { pl: true, enPlural: true }),
  'hair-accessories': w('hair accessory', 'accessoire pour cheveux', 'm'),
  underwear: w('underwear', 'sous-vêtement', 'm'),
  jewellery: w('jewellery', 'bijou', 'm'),
  // Beauty.
  makeup: o('make-up', 'maquillage', 'm'),
  fragrances: o('fragrance', 'parfum', 'm'),
  skincare: o('skincare product', 'soin du visage', 'm'),
  shaving: o('grooming product', 'produit de rasage', 'm'),
  // Toys and childcare.
  'building-toys': o('construction toy', 'jeu de construction', 'm'),
  'educational-toys': o('educational toy', "jouet d'éveil", 'm'),
  'outdoor-toys': o('outdoor toy', "jeu d'extérieur", 'm'),
  'baby-carriers': o('baby carrier', 'porte-bébé', 'm'),
  // Home.
  'decorative-objects': o('decorative object', 'objet décoratif', 'm'),
  candles: o('candle', 'bougie', 'f'),
  frames: o('photo frame', 'cadre photo', 'm'),
  'wall-art': o('wall art', 'décoration murale', 'f'),
  bedding: o('bedding', 'linge de lit', 'm'),
  throws: o('throw', 'plaid', 'm'),
  curtains: o('curtains', 'rideaux', 'm', { pl: true, enPlural: true }),
  towels: o('towel', 'serviette de bain', 'f'),
  tableware: o('tableware', 'vaisselle', 'f'),
  glassware: o('glassware', 'verres', 'm', { pl: true }),
  cookware: o('cookware', 'ustensile de cuisson', 'm'),
  'kitchen-utensils': o('kitchen utensil', 'ustensile de cuisine', 'm'),
  'small-appliances': o('small appliance', 'petit électroménager', 'm'),
  chairs: o('chair', 'chaise', 'f'),
  storage: o('storage piece', 'rangement', 'm'),
  lighting: o('lamp', 'luminaire', 'm'),
  // Books and media.
  fiction: o('novel', 'roman', 'm'),
  'crime-thrillers': o('crime novel', 'roman policier', 'm'),
  'science-fiction-fantasy': o('science fiction book', 'livre de science-fiction', 'm'),
  comics: o('comic', 'bande dessinée', 'f'),
  manga: o('manga', 'manga', 'm'),
  'childrens-books': o("children's book", 'livre pour enfants', 'm'),
  'non-fiction': o('non-fiction book', 'essai', 'm'),
  cookbooks: o('cookbook', 'livre de cuisine', 'm'),
  'art-books': o('art book', "livre d'art", 'm'),
  textbooks: o('textbook', 'manuel scolaire', 'm'),
  magazines: o('magazine', 'magazine', 'm'),
  cds: o('CD', 'CD', 'm'),
  dvds: o('DVD', 'DVD', 'm'),
  // Electronics.
  'phone-accessories': o('phone accessory', 'accessoire de téléphone', 'm'),
  hifi: o('hi-fi system', 'chaîne hi-fi', 'f'),
  'tv-video': o('home cinema equipment', 'équipement TV et home cinéma', 'm'),
  // Sports: the gear itself varies, so "an item of" the sport.
  cycling: o('cycling item', 'article de cyclisme', 'm'),
  fitness: o('fitness item', 'article de fitness', 'm'),
  'camping-hiking': o('camping item', 'article de camping', 'm'),
  'team-sports': o('team sports item', 'article de sport collectif', 'm'),
  'racket-sports': o('racket sports item', 'article de sport de raquette', 'm'),
  'winter-sports': o('winter sports item', "article de sport d'hiver", 'm'),
  'water-sports': o('water sports item', 'article de sport nautique', 'm'),
};

const PREFIX = /^(women|men|girls|boys|baby|kids|home)-/;

/** The noun of a category, or null when the category has none here (its label is used as it is). */
export function categoryNoun(slug: string): CategoryNoun | null {
  return NOUNS[slug] ?? NOUNS[slug.replace(PREFIX, '')] ?? null;
}

type Forms = readonly [m: string, f: string, mp: string, fp: string];

/** Colour adjectives by slug; a colour named by a noun or a compound (marron, bleu marine) never agrees. */
const COLOURS: Record<string, Forms> = {
  black: ['noir', 'noire', 'noirs', 'noires'],
  white: ['blanc', 'blanche', 'blancs', 'blanches'],
  grey: ['gris', 'grise', 'gris', 'grises'],
  red: ['rouge', 'rouge', 'rouges', 'rouges'],
  pink: ['rose', 'rose', 'roses', 'roses'],
  purple: ['violet', 'violette', 'violets', 'violettes'],
  blue: ['bleu', 'bleue', 'bleus', 'bleues'],
  green: ['vert', 'verte', 'verts', 'vertes'],
  yellow: ['jaune', 'jaune', 'jaunes', 'jaunes'],
  beige: ['beige', 'beige', 'beiges', 'beiges'],
  silver: ['argenté', 'argentée', 'argentés', 'argentées'],
  gold: ['doré', 'dorée', 'dorés', 'dorées'],
  multicolour: ['multicolore', 'multicolore', 'multicolores', 'multicolores'],
  transparent: ['transparent', 'transparente', 'transparents', 'transparentes'],
};

function form(forms: Forms, g: Gender, plural: boolean): string {
  return forms[(plural ? 2 : 0) + (g === 'f' ? 1 : 0)]!;
}

/** "noire" for une robe, "noirs" for des escarpins; invariable colours (marron, bleu marine) as labelled, lower case. */
export function frenchColour(slug: string, label: string, g: Gender, plural: boolean): string {
  const forms = COLOURS[slug];
  return forms ? form(forms, g, plural) : label.toLowerCase();
}

/** Past participles and adjectives the condition sentences use. */
export function agree(word: 'neuf' | 'porté' | 'utilisé' | 'vendu', g: Gender, plural: boolean): string {
  const table: Record<typeof word, Forms> = {
    neuf: ['neuf', 'neuve', 'neufs', 'neuves'],
    porté: ['porté', 'portée', 'portés', 'portées'],
    utilisé: ['utilisé', 'utilisée', 'utilisés', 'utilisées'],
    vendu: ['vendu', 'vendue', 'vendus', 'vendues'],
  };
  return form(table[word], g, plural);
}
