/*
 * The shared category tree.
 *
 * Slugs are global, permanent identifiers: products store them and marketplace mappings key on
 * them, so a slug is never renamed or reused — relabel it instead, or add a new node.
 *
 * Slug scheme
 * - Fashion, kids and home nodes carry the prefix of the tree they belong to (`women-…`,
 *   `men-…`, `girls-…`, `boys-…`, `baby-…`, `kids-…`, `home-…`), so the same garment can exist in
 *   several trees without colliding (`women-t-shirts`, `girls-t-shirts`).
 * - Men's LEAVES are the exception: they take the bare slug (`t-shirts`, `jeans`, `sneakers`,
 *   `shirts`…). The marketplaces file gender-neutral adult items (a plain tee, straight jeans,
 *   trainers) under men's, with "unisex" carried as the product's gender, so the bare slug is
 *   where a unisex listing belongs too. Men's grouping nodes stay prefixed (`men-clothing`).
 * - The other roots (`books`, `media`, `electronics`, `sports`) are not gendered and use bare
 *   slugs (`vinyl-records`, `headphones`), prefixed only where the word alone is too vague
 *   (`electronics-audio`).
 * - `path` is the dot-joined chain of slugs from the root, e.g. `women.women-clothing.women-tops.women-t-shirts`.
 *
 * Only leaves may be assigned to a product. Children are listed in display order; `position`,
 * `depth`, `path` and `is_leaf` are derived when seeding.
 */

export interface CategorySeed {
  slug: string;
  en: string;
  fr: string;
  children?: readonly CategorySeed[];
}

export const CATEGORY_TREE: readonly CategorySeed[] = [
  {
    slug: 'women',
    en: 'Women',
    fr: 'Femmes',
    children: [
      {
        slug: 'women-clothing',
        en: 'Clothing',
        fr: 'Vêtements',
        children: [
          {
            slug: 'women-tops',
            en: 'Tops & T-shirts',
            fr: 'Hauts & t-shirts',
            children: [
              { slug: 'women-t-shirts', en: 'T-shirts', fr: 'T-shirts' },
              { slug: 'women-tank-tops', en: 'Tank tops', fr: 'Débardeurs' },
              { slug: 'women-blouses', en: 'Blouses & shirts', fr: 'Chemises & blouses' },
              { slug: 'women-crop-tops', en: 'Crop tops', fr: 'Tops courts' },
              { slug: 'women-bodysuits', en: 'Bodysuits', fr: 'Bodys' },
            ],
          },
          {
            slug: 'women-knitwear',
            en: 'Jumpers & sweatshirts',
            fr: 'Pulls & sweats',
            children: [
              { slug: 'women-jumpers', en: 'Jumpers', fr: 'Pulls' },
              { slug: 'women-cardigans', en: 'Cardigans', fr: 'Gilets' },
              { slug: 'women-sweatshirts', en: 'Sweatshirts & hoodies', fr: 'Sweats & sweats à capuche' },
            ],
          },
          { slug: 'women-dresses', en: 'Dresses', fr: 'Robes' },
          { slug: 'women-skirts', en: 'Skirts', fr: 'Jupes' },
          { slug: 'women-jeans', en: 'Jeans', fr: 'Jeans' },
          { slug: 'women-trousers', en: 'Trousers', fr: 'Pantalons' },
          { slug: 'women-shorts', en: 'Shorts', fr: 'Shorts' },
          { slug: 'women-jumpsuits', en: 'Jumpsuits & playsuits', fr: 'Combinaisons & combishorts' },
          {
            slug: 'women-outerwear',
            en: 'Coats & jackets',
            fr: 'Manteaux & vestes',
            children: [
              { slug: 'women-coats', en: 'Coats', fr: 'Manteaux' },
              { slug: 'women-jackets', en: 'Jackets', fr: 'Vestes' },
              { slug: 'women-blazers', en: 'Blazers', fr: 'Blazers' },
              { slug: 'women-puffer-jackets', en: 'Puffer jackets', fr: 'Doudounes' },
              { slug: 'women-trench-coats', en: 'Trench coats', fr: 'Trenchs' },
              { slug: 'women-leather-jackets', en: 'Leather jackets', fr: 'Vestes en cuir' },
            ],
          },
          { slug: 'women-suits', en: 'Suits & co-ords', fr: 'Tailleurs & ensembles' },
          { slug: 'women-activewear', en: 'Activewear', fr: 'Vêtements de sport' },
          { slug: 'women-swimwear', en: 'Swimwear', fr: 'Maillots de bain' },
          { slug: 'women-lingerie', en: 'Lingerie', fr: 'Lingerie' },
          { slug: 'women-nightwear', en: 'Nightwear', fr: 'Pyjamas & nuisettes' },
          { slug: 'women-maternity', en: 'Maternity', fr: 'Vêtements de grossesse' },
        ],
      },
      {
        slug: 'women-shoes',
        en: 'Shoes',
        fr: 'Chaussures',
        children: [
          { slug: 'women-sneakers', en: 'Sneakers', fr: 'Baskets' },
          { slug: 'women-boots', en: 'Boots', fr: 'Bottes' },
          { slug: 'women-ankle-boots', en: 'Ankle boots', fr: 'Bottines' },
          { slug: 'women-heels', en: 'Heels', fr: 'Escarpins' },
          { slug: 'women-flats', en: 'Ballet flats', fr: 'Ballerines' },
          { slug: 'women-sandals', en: 'Sandals', fr: 'Sandales' },
          { slug: 'women-loafers', en: 'Loafers', fr: 'Mocassins' },
          { slug: 'women-espadrilles', en: 'Espadrilles', fr: 'Espadrilles' },
          { slug: 'women-mules', en: 'Mules & clogs', fr: 'Mules & sabots' },
          { slug: 'women-slippers', en: 'Slippers', fr: 'Chaussons' },
        ],
      },
      {
        slug: 'women-bags',
        en: 'Bags',
        fr: 'Sacs',
        children: [
          { slug: 'women-handbags', en: 'Handbags', fr: 'Sacs à main' },
          { slug: 'women-shoulder-bags', en: 'Shoulder bags', fr: 'Sacs portés épaule' },
          { slug: 'women-crossbody-bags', en: 'Crossbody bags', fr: 'Sacs bandoulière' },
          { slug: 'women-tote-bags', en: 'Tote bags', fr: 'Sacs cabas' },
          { slug: 'women-backpacks', en: 'Backpacks', fr: 'Sacs à dos' },
          { slug: 'women-clutches', en: 'Clutches', fr: 'Pochettes' },
          { slug: 'women-wallets', en: 'Wallets & purses', fr: 'Portefeuilles & porte-monnaie' },
        ],
      },
      {
        slug: 'women-accessories',
        en: 'Accessories',
        fr: 'Accessoires',
        children: [
          {
            slug: 'women-jewellery',
            en: 'Jewellery',
            fr: 'Bijoux',
            children: [
              { slug: 'women-necklaces', en: 'Necklaces', fr: 'Colliers' },
              { slug: 'women-earrings', en: 'Earrings', fr: "Boucles d'oreilles" },
              { slug: 'women-bracelets', en: 'Bracelets', fr: 'Bracelets' },
              { slug: 'women-rings', en: 'Rings', fr: 'Bagues' },
            ],
          },
          { slug: 'women-watches', en: 'Watches', fr: 'Montres' },
          { slug: 'women-sunglasses', en: 'Sunglasses', fr: 'Lunettes de soleil' },
          { slug: 'women-scarves', en: 'Scarves & shawls', fr: 'Écharpes & foulards' },
          { slug: 'women-hats', en: 'Hats & caps', fr: 'Chapeaux & casquettes' },
          { slug: 'women-belts', en: 'Belts', fr: 'Ceintures' },
          { slug: 'women-gloves', en: 'Gloves', fr: 'Gants' },
          { slug: 'women-hair-accessories', en: 'Hair accessories', fr: 'Accessoires pour cheveux' },
        ],
      },
      {
        slug: 'women-beauty',
        en: 'Beauty',
        fr: 'Beauté',
        children: [
          { slug: 'women-makeup', en: 'Make-up', fr: 'Maquillage' },
          { slug: 'women-fragrances', en: 'Fragrances', fr: 'Parfums' },
          { slug: 'women-skincare', en: 'Skincare', fr: 'Soins du visage' },
        ],
      },
    ],
  },
  {
    slug: 'men',
    en: 'Men',
    fr: 'Hommes',
    children: [
      {
        slug: 'men-clothing',
        en: 'Clothing',
        fr: 'Vêtements',
        children: [
          {
            slug: 'men-tops',
            en: 'Tops & T-shirts',
            fr: 'Hauts & t-shirts',
            children: [
              { slug: 't-shirts', en: 'T-shirts', fr: 'T-shirts' },
              { slug: 'polo-shirts', en: 'Polo shirts', fr: 'Polos' },
              { slug: 'shirts', en: 'Casual shirts', fr: 'Chemises' },
              { slug: 'tank-tops', en: 'Tank tops', fr: 'Débardeurs' },
            ],
          },
          {
            slug: 'men-knitwear',
            en: 'Jumpers & sweatshirts',
            fr: 'Pulls & sweats',
            children: [
              { slug: 'jumpers', en: 'Jumpers', fr: 'Pulls' },
              { slug: 'cardigans', en: 'Cardigans', fr: 'Gilets' },
              { slug: 'sweatshirts', en: 'Sweatshirts & hoodies', fr: 'Sweats & sweats à capuche' },
            ],
          },
          { slug: 'jeans', en: 'Jeans', fr: 'Jeans' },
          { slug: 'trousers', en: 'Trousers', fr: 'Pantalons' },
          { slug: 'shorts', en: 'Shorts', fr: 'Shorts' },
          {
            slug: 'men-outerwear',
            en: 'Coats & jackets',
            fr: 'Manteaux & vestes',
            children: [
              { slug: 'coats', en: 'Coats', fr: 'Manteaux' },
              { slug: 'jackets', en: 'Jackets', fr: 'Vestes' },
              { slug: 'puffer-jackets', en: 'Puffer jackets', fr: 'Doudounes' },
              { slug: 'leather-jackets', en: 'Leather jackets', fr: 'Blousons en cuir' },
            ],
          },
          {
            slug: 'men-tailoring',
            en: 'Suits & tailoring',
            fr: 'Costumes & tenues habillées',
            children: [
              { slug: 'suits', en: 'Suits', fr: 'Costumes' },
              { slug: 'blazers', en: 'Blazers & sport coats', fr: 'Blazers & vestes de costume' },
              { slug: 'dress-shirts', en: 'Dress shirts', fr: 'Chemises habillées' },
              { slug: 'waistcoats', en: 'Waistcoats', fr: 'Gilets de costume' },
            ],
          },
          { slug: 'activewear', en: 'Activewear', fr: 'Vêtements de sport' },
          { slug: 'swimwear', en: 'Swimwear', fr: 'Maillots de bain' },
          { slug: 'underwear', en: 'Underwear & socks', fr: 'Sous-vêtements & chaussettes' },
          { slug: 'nightwear', en: 'Nightwear & robes', fr: 'Pyjamas & peignoirs' },
        ],
      },
      {
        slug: 'men-shoes',
        en: 'Shoes',
        fr: 'Chaussures',
        children: [
          { slug: 'sneakers', en: 'Sneakers', fr: 'Baskets' },
          { slug: 'boots', en: 'Boots', fr: 'Bottes & boots' },
          { slug: 'formal-shoes', en: 'Formal shoes', fr: 'Chaussures de ville' },
          { slug: 'loafers', en: 'Loafers & boat shoes', fr: 'Mocassins & chaussures bateau' },
          { slug: 'sandals', en: 'Sandals & flip-flops', fr: 'Sandales & tongs' },
          { slug: 'slippers', en: 'Slippers', fr: 'Chaussons' },
        ],
      },
      {
        slug: 'men-bags',
        en: 'Bags',
        fr: 'Sacs',
        children: [
          { slug: 'backpacks', en: 'Backpacks', fr: 'Sacs à dos' },
          { slug: 'messenger-bags', en: 'Messenger bags', fr: 'Sacoches' },
          { slug: 'travel-bags', en: 'Travel bags', fr: 'Sacs de voyage' },
          { slug: 'wallets', en: 'Wallets', fr: 'Portefeuilles' },
        ],
      },
      {
        slug: 'men-accessories',
        en: 'Accessories',
        fr: 'Accessoires',
        children: [
          { slug: 'watches', en: 'Watches', fr: 'Montres' },
          { slug: 'sunglasses', en: 'Sunglasses', fr: 'Lunettes de soleil' },
          { slug: 'belts', en: 'Belts', fr: 'Ceintures' },
          { slug: 'ties', en: 'Ties & bow ties', fr: 'Cravates & nœuds papillon' },
          { slug: 'hats', en: 'Hats & caps', fr: 'Chapeaux & casquettes' },
          { slug: 'scarves', en: 'Scarves', fr: 'Écharpes' },
          { slug: 'gloves', en: 'Gloves', fr: 'Gants' },
          { slug: 'jewellery', en: 'Jewellery', fr: 'Bijoux' },
        ],
      },
      {
        slug: 'men-grooming',
        en: 'Grooming',
        fr: 'Soins',
        children: [
          { slug: 'fragrances', en: 'Fragrances', fr: 'Parfums' },
          { slug: 'shaving', en: 'Shaving & grooming', fr: 'Rasage & soins' },
        ],
      },
    ],
  },
  {
    slug: 'kids',
    en: 'Kids',
    fr: 'Enfants',
    children: [
      {
        slug: 'girls',
        en: 'Girls',
        fr: 'Filles',
        children: [
          { slug: 'girls-t-shirts', en: 'T-shirts & tops', fr: 'T-shirts & hauts' },
          { slug: 'girls-dresses', en: 'Dresses', fr: 'Robes' },
          { slug: 'girls-skirts', en: 'Skirts', fr: 'Jupes' },
          { slug: 'girls-jumpers', en: 'Jumpers & sweatshirts', fr: 'Pulls & sweats' },
          { slug: 'girls-jeans', en: 'Jeans', fr: 'Jeans' },
          { slug: 'girls-trousers', en: 'Trousers & leggings', fr: 'Pantalons & leggings' },
          { slug: 'girls-coats', en: 'Coats & jackets', fr: 'Manteaux & blousons' },
          { slug: 'girls-nightwear', en: 'Pyjamas', fr: 'Pyjamas' },
          { slug: 'girls-swimwear', en: 'Swimwear', fr: 'Maillots de bain' },
          { slug: 'girls-shoes', en: 'Shoes', fr: 'Chaussures' },
        ],
      },
      {
        slug: 'boys',
        en: 'Boys',
        fr: 'Garçons',
        children: [
          { slug: 'boys-t-shirts', en: 'T-shirts & tops', fr: 'T-shirts & hauts' },
          { slug: 'boys-shirts', en: 'Shirts', fr: 'Chemises' },
          { slug: 'boys-jumpers', en: 'Jumpers & sweatshirts', fr: 'Pulls & sweats' },
          { slug: 'boys-jeans', en: 'Jeans', fr: 'Jeans' },
          { slug: 'boys-trousers', en: 'Trousers & joggers', fr: 'Pantalons & joggings' },
          { slug: 'boys-shorts', en: 'Shorts', fr: 'Shorts' },
          { slug: 'boys-coats', en: 'Coats & jackets', fr: 'Manteaux & blousons' },
          { slug: 'boys-nightwear', en: 'Pyjamas', fr: 'Pyjamas' },
          { slug: 'boys-swimwear', en: 'Swimwear', fr: 'Maillots de bain' },
          { slug: 'boys-shoes', en: 'Shoes', fr: 'Chaussures' },
        ],
      },
      {
        slug: 'baby',
        en: 'Baby',
        fr: 'Bébé',
        children: [
          { slug: 'baby-bodysuits', en: 'Bodysuits', fr: 'Bodys' },
          { slug: 'baby-sleepsuits', en: 'Sleepsuits', fr: 'Pyjamas & grenouillères' },
          { slug: 'baby-outfits', en: 'Outfits & sets', fr: 'Ensembles' },
          { slug: 'baby-outerwear', en: 'Coats & snowsuits', fr: 'Manteaux & combinaisons pilotes' },
          { slug: 'baby-shoes', en: 'Baby shoes', fr: 'Chaussures bébé' },
        ],
      },
      {
        slug: 'kids-toys',
        en: 'Toys',
        fr: 'Jouets',
        children: [
          { slug: 'kids-soft-toys', en: 'Soft toys', fr: 'Peluches' },
          { slug: 'kids-dolls', en: 'Dolls & figures', fr: 'Poupées & figurines' },
          { slug: 'kids-building-toys', en: 'Construction toys', fr: 'Jeux de construction' },
          { slug: 'kids-educational-toys', en: 'Educational toys', fr: "Jouets d'éveil" },
          { slug: 'kids-outdoor-toys', en: 'Outdoor toys', fr: "Jeux d'extérieur" },
        ],
      },
      {
        slug: 'kids-nursery',
        en: 'Nursery',
        fr: 'Puériculture',
        children: [
          { slug: 'kids-pushchairs', en: 'Pushchairs', fr: 'Poussettes' },
          { slug: 'kids-car-seats', en: 'Car seats', fr: 'Sièges auto' },
          { slug: 'kids-baby-carriers', en: 'Baby carriers', fr: 'Porte-bébés' },
          { slug: 'kids-high-chairs', en: 'High chairs', fr: 'Chaises hautes' },
        ],
      },
    ],
  },
  {
    slug: 'home',
    en: 'Home',
    fr: 'Maison',
    children: [
      {
        slug: 'home-decor',
        en: 'Decor',
        fr: 'Décoration',
        children: [
          { slug: 'home-decorative-objects', en: 'Decorative objects', fr: 'Objets décoratifs' },
          { slug: 'home-candles', en: 'Candles & holders', fr: 'Bougies & bougeoirs' },
          { slug: 'home-frames', en: 'Photo frames', fr: 'Cadres photo' },
          { slug: 'home-mirrors', en: 'Mirrors', fr: 'Miroirs' },
          { slug: 'home-vases', en: 'Vases', fr: 'Vases' },
          { slug: 'home-wall-art', en: 'Posters & wall art', fr: 'Affiches & décoration murale' },
        ],
      },
      {
        slug: 'home-textiles',
        en: 'Home textiles',
        fr: 'Linge de maison',
        children: [
          { slug: 'home-bedding', en: 'Bedding', fr: 'Linge de lit' },
          { slug: 'home-cushions', en: 'Cushions', fr: 'Coussins' },
          { slug: 'home-throws', en: 'Throws & blankets', fr: 'Plaids & couvertures' },
          { slug: 'home-curtains', en: 'Curtains', fr: 'Rideaux' },
          { slug: 'home-rugs', en: 'Rugs', fr: 'Tapis' },
          { slug: 'home-towels', en: 'Towels', fr: 'Serviettes de bain' },
        ],
      },
      {
        slug: 'home-kitchen',
        en: 'Kitchen & dining',
        fr: 'Cuisine & arts de la table',
        children: [
          { slug: 'home-tableware', en: 'Tableware', fr: 'Vaisselle' },
          { slug: 'home-glassware', en: 'Glassware', fr: 'Verres' },
          { slug: 'home-cookware', en: 'Pots & pans', fr: 'Casseroles & poêles' },
          { slug: 'home-kitchen-utensils', en: 'Kitchen utensils', fr: 'Ustensiles de cuisine' },
          { slug: 'home-small-appliances', en: 'Small appliances', fr: 'Petit électroménager' },
        ],
      },
      {
        slug: 'home-furniture',
        en: 'Furniture',
        fr: 'Mobilier',
        children: [
          { slug: 'home-chairs', en: 'Chairs & stools', fr: 'Chaises & tabourets' },
          { slug: 'home-tables', en: 'Tables', fr: 'Tables' },
          { slug: 'home-storage', en: 'Storage', fr: 'Rangements' },
          { slug: 'home-lighting', en: 'Lighting', fr: 'Luminaires' },
        ],
      },
    ],
  },
  {
    slug: 'books',
    en: 'Books',
    fr: 'Livres',
    children: [
      { slug: 'fiction', en: 'Fiction', fr: 'Romans' },
      { slug: 'crime-thrillers', en: 'Crime & thrillers', fr: 'Policiers & thrillers' },
      { slug: 'science-fiction-fantasy', en: 'Science fiction & fantasy', fr: 'Science-fiction & fantasy' },
      { slug: 'comics', en: 'Comics & graphic novels', fr: 'Bandes dessinées' },
      { slug: 'manga', en: 'Manga', fr: 'Mangas' },
      { slug: 'childrens-books', en: "Children's books", fr: 'Livres pour enfants' },
      { slug: 'non-fiction', en: 'Non-fiction', fr: 'Essais & documents' },
      { slug: 'cookbooks', en: 'Cookbooks', fr: 'Livres de cuisine' },
      { slug: 'art-books', en: 'Art & photography', fr: 'Art & photographie' },
      { slug: 'textbooks', en: 'Textbooks & study guides', fr: 'Scolaire & parascolaire' },
      { slug: 'magazines', en: 'Magazines', fr: 'Magazines' },
    ],
  },
  {
    slug: 'media',
    en: 'Music, films & games',
    fr: 'Musique, films & jeux',
    children: [
      { slug: 'vinyl-records', en: 'Vinyl records', fr: 'Vinyles' },
      { slug: 'cds', en: 'CDs', fr: 'CD' },
      { slug: 'dvds', en: 'DVDs & Blu-rays', fr: 'DVD & Blu-ray' },
      { slug: 'video-games', en: 'Video games', fr: 'Jeux vidéo' },
      { slug: 'board-games', en: 'Board games & puzzles', fr: 'Jeux de société & puzzles' },
    ],
  },
  {
    slug: 'electronics',
    en: 'Electronics',
    fr: 'Électronique',
    children: [
      { slug: 'mobile-phones', en: 'Mobile phones', fr: 'Téléphones portables' },
      { slug: 'phone-accessories', en: 'Phone accessories', fr: 'Accessoires de téléphone' },
      { slug: 'computers', en: 'Computers & laptops', fr: 'Ordinateurs' },
      { slug: 'tablets', en: 'Tablets & e-readers', fr: 'Tablettes & liseuses' },
      {
        slug: 'electronics-audio',
        en: 'Audio',
        fr: 'Audio',
        children: [
          { slug: 'headphones', en: 'Headphones & earphones', fr: 'Casques & écouteurs' },
          { slug: 'speakers', en: 'Speakers', fr: 'Enceintes' },
          { slug: 'hifi', en: 'Hi-fi & turntables', fr: 'Chaînes hi-fi & platines' },
        ],
      },
      { slug: 'cameras', en: 'Cameras & lenses', fr: 'Appareils photo & objectifs' },
      { slug: 'game-consoles', en: 'Game consoles', fr: 'Consoles de jeux' },
      { slug: 'smartwatches', en: 'Smartwatches & wearables', fr: 'Montres connectées' },
      { slug: 'tv-video', en: 'TV & home cinema', fr: 'TV & home cinéma' },
    ],
  },
  {
    slug: 'sports',
    en: 'Sports & outdoors',
    fr: 'Sports & plein air',
    children: [
      { slug: 'cycling', en: 'Cycling', fr: 'Cyclisme' },
      { slug: 'fitness', en: 'Fitness & gym', fr: 'Fitness & musculation' },
      { slug: 'camping-hiking', en: 'Camping & hiking', fr: 'Camping & randonnée' },
      { slug: 'team-sports', en: 'Team sports', fr: 'Sports collectifs' },
      { slug: 'racket-sports', en: 'Racket sports', fr: 'Sports de raquette' },
      { slug: 'winter-sports', en: 'Winter sports', fr: "Sports d'hiver" },
      { slug: 'water-sports', en: 'Water sports', fr: 'Sports nautiques' },
    ],
  },
];
