import { templateListing, templateLanguage } from '../../src/domain/ai/template';
import type { ListingOptions } from '../../src/domain/ai/listing';
import { categoryNoun } from '../../src/domain/ai/french';
import { facts, LEAF_CATEGORIES } from './facts';

const options = (o: Partial<ListingOptions> = {}): ListingOptions => ({ language: 'fr', tone: 'neutral', length: 'standard', marketplace: null, ...o });

describe('The template generator', () => {
  describe('in French, the category noun agrees with its colour and its condition', () => {
    it.each([
      ['a black dress', facts({ category: 'women-dresses', brand: 'Zara', size: ['m', 'M', 'letter'], color: 'black', gender: 'women', condition: 'very_good' }), 'Robe noire Zara taille M', 'Robe noire Zara pour femme, taille M. En très bon état : de légers signes d\'usure, aucun défaut notable.'],
      ['black jeans', facts({ category: 'jeans', brand: "Levi's", size: ['w32', 'W32', 'waist'], color: 'black', gender: 'men', condition: 'good' }), "Jean noir Levi's taille W32", "Jean noir Levi's pour homme, taille W32. En bon état, avec des signes d'usure visibles."],
      ['black shoes (a feminine plural)', facts({ category: 'women-sneakers', brand: 'Nike', size: ['eu-shoe-38', 'EU 38', 'eu_shoe'], color: 'black', condition: 'new_with_tags' }), 'Baskets noires Nike pointure EU 38 – neuves avec étiquette', 'Baskets noires Nike, pointure EU 38. Neuves avec étiquette, jamais portées.'],
      ['white heels (a masculine plural)', facts({ category: 'women-heels', color: 'white', condition: 'like_new' }), 'Escarpins blancs', "Escarpins blancs. Comme neufs : portés une ou deux fois, sans trace d'usure visible."],
      ['an invariable colour', facts({ category: 'women-coats', color: 'brown', condition: 'new_without_tags' }), 'Manteau marron – neuf', 'Manteau marron. Neuf sans étiquette, jamais porté.'],
      ['a compound colour', facts({ category: 'women-tank-tops', color: 'navy', condition: 'fair' }), 'Débardeur bleu marine', "Débardeur bleu marine. En état correct, avec des signes d'usure marqués."],
      ['a masculine thing sold for parts', facts({ category: 'women-handbags', color: 'blue', condition: 'for_parts' }), 'Sac à main bleu', 'Sac à main bleu. Vendu pour pièces ou à réparer.'],
      ['a feminine thing sold for parts', facts({ category: 'home-towels', color: 'white', condition: 'for_parts' }), 'Serviette de bain blanche', 'Serviette de bain blanche. Vendue pour pièces ou à réparer.'],
      ['a feminine singular worn', facts({ category: 'women-lingerie', color: 'black', condition: 'new_with_tags' }), 'Lingerie noire – neuve avec étiquette', 'Lingerie noire. Neuve avec étiquette, jamais portée.'],
      ['a feminine plural worn', facts({ category: 'women-mules', color: 'black', condition: 'like_new' }), 'Mules noires', "Mules noires. Comme neuves : portées une ou deux fois, sans trace d'usure visible."],
      ['a feminine plural jewel', facts({ category: 'women-earrings', color: 'gold', condition: 'very_good' }), "Boucles d'oreilles dorées", "Boucles d'oreilles dorées. En très bon état : de légers signes d'usure, aucun défaut notable."],
      ['a masculine plural used', facts({ category: 'home-glassware', color: 'transparent', condition: 'fair' }), 'Verres transparents', "Verres transparents. En état correct, avec des signes d'usure marqués."],
      ['a feminine thing used, new', facts({ category: 'comics', color: 'multicolour', condition: 'new_without_tags' }), 'Bande dessinée multicolore – neuve', 'Bande dessinée multicolore. Neuve sans étiquette, jamais utilisée.'],
    ])('%s', (_label, f, title, firstParagraph) => {
      const listing = templateListing(f, options());
      expect(listing.title).toBe(title);
      expect(listing.description.split('\n\n')[0]).toBe(firstParagraph);
    });
  });

  describe('in English', () => {
    it.each([
      ['a black dress', facts({ category: 'women-dresses', brand: 'Zara', size: ['m', 'M', 'letter'], color: 'black', gender: 'women', condition: 'very_good' }), "Zara women's black dress – size M", "Black Zara dress (women's), size M. In very good condition: light signs of wear and no notable flaws."],
      ['jeans (a plural noun)', facts({ category: 'jeans', brand: "Levi's", size: ['w32', 'W32', 'waist'], color: 'black', condition: 'good' }), "Levi's black jeans – size W32", "Black Levi's jeans, size W32. In good condition, with visible signs of wear."],
      ['new sneakers', facts({ category: 'sneakers', brand: 'Nike', size: ['eu-shoe-42', 'EU 42', 'eu_shoe'], color: 'white', condition: 'new_with_tags' }), 'Nike white sneakers – size EU 42 – new with tags', 'White Nike sneakers, size EU 42. New with tags, never worn.'],
      ['something not worn, for parts', facts({ category: 'home-lighting', condition: 'for_parts' }), 'Lamp', 'Lamp. Sold for parts or repair.'],
      ['a plural noun of the home', facts({ category: 'home-curtains', color: 'white', condition: 'good' }), 'White curtains', 'White curtains. In good condition, with visible signs of wear.'],
    ])('%s', (_label, f, title, firstParagraph) => {
      const listing = templateListing(f, options({ language: 'en' }));
      expect(listing.title).toBe(title);
      expect(listing.description.split('\n\n')[0]).toBe(firstParagraph);
    });
  });

  it('Every leaf category of the shared tree has its French noun and gender, so none falls back to a label of unknown agreement', () => {
    const missing = Object.keys(LEAF_CATEGORIES).filter((slug) => categoryNoun(slug) === null);
    expect(missing).toEqual([]);
  });

  it('When facts are missing, then no empty placeholder is left in the text', () => {
    const listing = templateListing(facts({ category: 'women-dresses', condition: 'good' }), options({ length: 'long' }));
    expect(listing.title).toBe('Robe');
    for (const text of [listing.title, listing.description, ...listing.tags, ...listing.bullet_points]) {
      expect(text).not.toMatch(/undefined|null|\{|\}| {2}|: \.|, \.|^\s|\s$/);
    }
  });

  it('When materials, measurements and defects are given, then the standard text says them and the short one does not', () => {
    const f = facts({ category: 'women-dresses', color: 'black', condition: 'good', materials: ['coton'], measurements: ['longueur 90 cm'], defects: ['une petite tache au dos'] });
    const standard = templateListing(f, options()).description;
    expect(standard).toContain('Matière : coton.');
    expect(standard).toContain('Mesures : longueur 90 cm.');
    expect(standard).toContain('À noter : une petite tache au dos.');
    expect(templateListing(f, options({ length: 'short' })).description).toBe("Robe noire. En bon état, avec des signes d'usure visibles.");
  });

  it('When the length is long, then the facts are listed as bullet points too, and the tone closes the text', () => {
    const f = facts({ category: 'women-dresses', brand: 'Zara', size: ['m', 'M', 'letter'], color: 'black', condition: 'very_good' });
    const listing = templateListing(f, options({ length: 'long', tone: 'friendly' }));
    expect(listing.bullet_points).toEqual(['Marque : Zara', 'Taille : M', 'Couleur : noir', 'État : très bon']);
    expect(listing.description).toContain('• Marque : Zara\n• Taille : M');
    expect(listing.description.endsWith("N'hésitez pas à me poser vos questions !")).toBe(true);
    expect(listing.tags).toEqual(expect.arrayContaining(['robe', 'noir', 'zara']));
  });

  it('When the vintage tone is asked of a new item, then it does not call it pre-loved', () => {
    const f = facts({ category: 'women-dresses', condition: 'new_with_tags' });
    expect(templateListing(f, options({ language: 'en', tone: 'vintage' })).description).not.toMatch(/pre-loved/);
    expect(templateListing(facts({ category: 'women-dresses', condition: 'good' }), options({ language: 'en', tone: 'vintage' })).description).toMatch(/pre-loved/);
  });

  describe('in German, Spanish, Italian and Dutch, the colour takes the noun’s gender and number', () => {
    const dress = facts({ category: 'women-dresses', brand: 'Zara', size: ['m', 'M', 'letter'], color: 'black', gender: 'women', condition: 'very_good' });
    const coat = facts({ category: 'women-coats', color: 'black', condition: 'good' });
    const jacket = facts({ category: 'women-coats', color: 'white', condition: 'good' });
    const sneakers = facts({ category: 'women-sneakers', brand: 'Nike', size: ['eu-shoe-38', 'EU 38', 'eu_shoe'], color: 'black', condition: 'new_with_tags' });
    const beige = facts({ category: 'women-dresses', color: 'brown', condition: 'like_new' });
    it.each([
      ['de', dress, 'Schwarzes Kleid Zara Größe M', 'Schwarzes Kleid von Zara für Damen, Größe M. Sehr guter Zustand: leichte Gebrauchsspuren, keine nennenswerten Mängel.'],
      ['de', coat, 'Schwarzer Mantel', 'Schwarzer Mantel. Guter Zustand mit sichtbaren Gebrauchsspuren.'],
      ['de', sneakers, 'Schwarze Sneaker Nike Größe EU 38 – neu mit Etikett', 'Schwarze Sneaker von Nike, Größe EU 38. Neu mit Etikett, nie getragen.'],
      ['es', dress, 'Vestido negro Zara talla M', 'Vestido negro de Zara para mujer, talla M. En muy buen estado: ligeros signos de uso, sin defectos destacables.'],
      ['es', sneakers, 'Zapatillas negras Nike talla EU 38 – nuevas con etiqueta', 'Zapatillas negras de Nike, talla EU 38. Nuevas con etiqueta, sin estrenar.'],
      ['es', beige, 'Vestido marrón', 'Vestido marrón. Como nuevo: usado una o dos veces, sin signos de uso visibles.'],
      ['it', dress, 'Abito nero Zara taglia M', 'Abito nero di Zara da donna, taglia M. In ottime condizioni: lievi segni di usura, nessun difetto rilevante.'],
      ['it', jacket, 'Cappotto bianco', 'Cappotto bianco. In buone condizioni, con segni di usura visibili.'],
      ['it', sneakers, 'Sneakers nere Nike numero EU 38 – nuove con cartellino', 'Sneakers nere di Nike, numero EU 38. Nuove con cartellino, mai indossate.'],
      ['nl', dress, 'Zwarte jurk Zara maat M', 'Zwarte jurk van Zara voor dames, maat M. In zeer goede staat: lichte gebruikssporen, geen noemenswaardige gebreken.'],
      ['nl', facts({ category: 'women-t-shirts', color: 'black', condition: 'good' }), 'Zwart T-shirt', 'Zwart T-shirt. In goede staat, met zichtbare gebruikssporen.'],
      ['nl', sneakers, 'Zwarte sneakers Nike maat EU 38 – nieuw met label', 'Zwarte sneakers van Nike, maat EU 38. Nieuw met label, nooit gedragen.'],
    ] as const)('%s: %s', (language, f, title, firstParagraph) => {
      expect(templateLanguage(language, f)).toBe(language);
      const listing = templateListing(f, options({ language }));
      expect(listing.title).toBe(title);
      expect(listing.description.split('\n\n')[0]).toBe(firstParagraph);
    });
  });

  it('When a category has no words in German, Spanish, Italian or Dutch yet, then the template writes English and says so', () => {
    const lamp = facts({ category: 'home-lighting', condition: 'good' });
    for (const language of ['de', 'es', 'it', 'nl'] as const) {
      expect(templateLanguage(language, lamp)).toBe('en');
      expect(templateListing(lamp, options({ language }))).toEqual(templateListing(lamp, options({ language: 'en' })));
    }
  });
});
