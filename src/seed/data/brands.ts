/**
 * Brands commonly resold second-hand, spelled as the brand itself does ("adidas", "Levi's",
 * "& Other Stories"). Lookups ignore case, so each name must also be unique case-insensitively;
 * the slug is derived from the name when seeding and is unique too. Tenants add their own brands
 * in their own schema, so this list only needs the common ones.
 */
export const BRANDS: readonly string[] = [
  // Sportswear & outdoor
  'Nike', 'adidas', 'Puma', 'Reebok', 'New Balance', 'Asics', 'Converse', 'Vans', 'Fila', 'Kappa',
  'Le Coq Sportif', 'Umbro', 'Diadora', 'Lotto', 'Hummel', 'Under Armour', 'Champion', 'Ellesse',
  'Sergio Tacchini', 'Jordan', 'Salomon', 'Saucony', 'Brooks', 'Hoka', 'Mizuno', 'On Running',
  'Onitsuka Tiger', 'Kalenji', 'Decathlon', 'Quechua', 'Domyos', 'Kipsta', 'Tribord', 'Artengo',
  'Inesis', "Wed'ze", 'Btwin', 'Kiprun', 'Gymshark', 'Lululemon', 'Sweaty Betty', 'Columbia',
  'The North Face', 'Patagonia', "Arc'teryx", 'Helly Hansen', 'Berghaus', 'Jack Wolfskin', 'Mammut',
  'Millet', 'Eider', 'Rossignol', 'Dynastar', 'Atomic', 'Fischer', 'K2', 'Napapijri', 'Quiksilver',
  'Roxy', 'Billabong', 'Rip Curl', "O'Neill", 'Oxbow', 'Volcom', 'DC Shoes', 'Element', 'Speedo',
  'Arena', 'Oakley', 'Canterbury', 'Russell Athletic', 'Lonsdale', 'Everlast', 'Erima', 'Jako',
  'Joma', 'Macron', 'Errea', 'Vaude', 'Lowa', 'Meindl', 'Merrell', 'Scarpa', 'La Sportiva',
  'Black Diamond', 'Petzl', 'Osprey', 'Deuter', 'Icebreaker', 'Odlo', 'Craft', 'Fjällräven',
  'Polar', 'Suunto', 'Bollé', 'Julbo', 'Uvex', 'Giro', 'POC', 'Cébé', 'Specialized', 'Trek',
  'Giant', 'Cannondale', 'Scott', 'Canyon', 'Lapierre', 'Shimano', 'Castelli', 'Rapha', 'Wilson',
  'Head', 'Babolat', 'Yonex', 'Tecnifibre', 'Dunlop', 'Burton', 'Starter', 'Kangol', 'New Era',
  'Penfield', 'Alpha Industries', 'Avirex',

  // High street
  'Zara', 'H&M', 'Mango', 'Pull&Bear', 'Bershka', 'Stradivarius', 'Massimo Dutti', 'Oysho', 'Lefties',
  'COS', '& Other Stories', 'Arket', 'Weekday', 'Monki', 'Primark', 'Uniqlo', 'Gap', 'Old Navy',
  'Banana Republic', 'J.Crew', 'Madewell', 'Anthropologie', 'Free People', 'Topshop', 'Topman',
  'River Island', 'New Look', 'Next', 'Marks & Spencer', 'ASOS', 'Boohoo', 'PrettyLittleThing',
  'Missguided', 'Shein', 'Forever 21', 'Urban Outfitters', 'Abercrombie & Fitch', 'Hollister',
  'American Eagle', 'Aéropostale', 'American Apparel', 'Superdry', 'Jack & Jones', 'Vero Moda', 'Only',
  'Selected', 'Object', 'Vila', 'Pieces', 'Noisy May', 'Esprit', 's.Oliver', 'Tom Tailor',
  "Marc O'Polo", 'C&A', 'Reserved', 'Sinsay', 'Mohito', 'Cropp', 'House', 'Orsay', 'New Yorker',
  'Tally Weijl', 'Terranova', 'Calliope', 'Gina Tricot', 'Lindex', 'KappAhl', 'Cubus',
  'United Colors of Benetton', 'Sisley', 'Desigual', 'Springfield', 'Salsa', 'Tiffosi', 'Kiabi',
  'La Halle', 'Gémo', 'Tex', 'In Extenso', 'F&F', 'George', 'TU', "Lands' End", 'L.L.Bean',
  'Eddie Bauer', 'Brooks Brothers', 'Dorothy Perkins', 'Wallis', 'Monsoon', 'Oasis', 'Warehouse',
  'Karen Millen', 'Coast', 'Phase Eight', 'Hobbs', 'Jigsaw', 'Whistles', 'Reiss', 'AllSaints',
  'Ted Baker', 'Boden', 'Joules', 'White Stuff', 'Fat Face', 'Seasalt', 'Crew Clothing', 'Jack Wills',

  // French labels
  'Promod', 'Camaïeu', 'Jennyfer', 'Pimkie', 'Naf Naf', 'Cache Cache', 'Bonobo', 'Celio', 'Jules',
  'Brice', 'Devred', 'IKKS', 'Kookaï', 'Morgan', 'Etam', 'Undiz', 'Darjeeling', 'Princesse tam.tam',
  'Aubade', 'Chantelle', 'Simone Pérèle', 'Grain de Malice', 'Bréal', 'Caroll', 'Armand Thiery',
  'Christine Laure', 'Jacqueline Riu', '1.2.3', 'Un Jour Ailleurs', 'Le Temps des Cerises', 'Kaporal',
  'Teddy Smith', 'Freeman T. Porter', 'Deeluxe', 'Chevignon', 'Redskins', 'Japan Rags', 'Eleven Paris',
  'Le Slip Français', 'Armor Lux', 'Saint James', 'Orcival', 'Le Minor', 'Aigle', 'Faguo', 'Sézane',
  'Rouje', 'Balzac Paris', 'Sessùn', 'ba&sh', 'Maje', 'Sandro', 'Claudie Pierlot', 'The Kooples',
  'Zadig & Voltaire', 'American Vintage', 'Comptoir des Cotonniers', 'Gérard Darel', 'Vanessa Bruno',
  'Isabel Marant', 'Isabel Marant Étoile', 'A.P.C.', 'agnès b.', 'Sonia Rykiel', 'Paul & Joe', 'Kenzo',
  'Maison Kitsuné', 'Ami Paris', 'Jacquemus', 'Lacoste', 'Longchamp', 'Lancel', 'Le Tanneur', 'Repetto',
  'Veja', 'Bensimon', 'K-Way', 'Cotélac', 'Des Petits Hauts', 'Harris Wilson', 'Hartford', 'Figaret',
  'Eden Park', 'Serge Blanco', 'Façonnable', 'Izac', 'Cerruti 1881', 'Daniel Hechter', 'Pierre Cardin',
  'Ted Lapidus', 'Azzaro', 'Lanvin', 'Soeur', 'Maison Labiche', 'Jott', 'Pyrenex', 'Éric Bompard',
  'Bérénice', 'IRO', 'Rodier', 'Paule Ka', 'Zapa', 'Sinéquanone', 'Polène', 'Lancaster', 'Minelli',
  'San Marina', 'Eram', 'André', 'Jonak', 'Kickers', 'Paraboot', 'Heschung', 'Mephisto', 'Clergerie',
  'Marithé + François Girbaud', 'Agatha', "Histoire d'Or", 'Les Néréides', 'Lip', 'Petit Bateau',

  // Denim & heritage
  "Levi's", 'Lee', 'Wrangler', 'Lee Cooper', 'Diesel', 'Replay', 'G-Star Raw', 'Pepe Jeans', 'Mustang',
  'Edwin', 'Nudie Jeans', 'Acne Studios', 'Cheap Monday', 'Dr. Denim', 'Scotch & Soda', 'Carhartt',
  'Carhartt WIP', 'Dickies', 'Schott', 'Fred Perry', 'Ben Sherman', 'Barbour', 'Belstaff', 'Gant',
  'Hackett', 'Tommy Hilfiger', 'Tommy Jeans', 'Ralph Lauren', 'Polo Ralph Lauren', 'Lauren Ralph Lauren',
  'Calvin Klein', 'Calvin Klein Jeans', 'Hugo Boss', 'Hugo', 'Armani Exchange', 'Emporio Armani',
  'Giorgio Armani', 'Nautica', 'Timberland', 'Harley-Davidson', 'Miss Sixty', 'Energie', 'Killah',
  'Fornarina', 'Guess', 'Marciano', 'Liu Jo', 'Pinko', 'Twinset', 'Patrizia Pepe', 'Elisabetta Franchi',
  'Boggi Milano', 'Paul Smith', 'Vivienne Westwood', 'Karl Lagerfeld', 'Michael Kors', 'Coach',
  'Kate Spade', 'Tory Burch', 'Marc Jacobs', 'DKNY', 'Max Mara', 'Weekend Max Mara', 'Marella',
  'Sportmax',

  // Streetwear & vintage favourites
  'Supreme', 'Stüssy', 'Palace', 'A Bathing Ape', 'Kith', 'Obey', 'HUF', 'Thrasher', 'Fubu',
  'Ecko Unltd', 'Karl Kani', 'Ed Hardy', 'Von Dutch', 'Best Company', 'Stone Island', 'C.P. Company',
  'Off-White', 'Palm Angels', 'Fear of God', 'Essentials', 'Represent', 'Corteiz', 'Trapstar',
  'Nike ACG', 'Norse Projects', 'Our Legacy', 'Wood Wood', 'Han Kjøbenhavn', 'Sunspel',
  'Oliver Spencer', 'Universal Works', 'YMC', 'Patta', 'Daily Paper',

  // Contemporary & Scandinavian
  'Ganni', 'Zimmermann', 'Self-Portrait', 'Reformation', 'Rixo', 'Réalisation Par', 'Anine Bing',
  'Totême', 'Nanushka', 'Staud', 'Rotate', 'By Malene Birger', 'Samsøe Samsøe', 'Filippa K',
  'Tiger of Sweden', 'Marimekko', 'Jil Sander', 'Maison Margiela', 'Comme des Garçons',
  'Yohji Yamamoto', 'Issey Miyake', 'Dsquared2', 'Philipp Plein', 'Roberto Cavalli', 'Just Cavalli',
  'Trussardi', 'Fay', 'Herno', 'Brunello Cucinelli', 'Loro Piana', 'Ermenegildo Zegna', 'Canali',
  'Brioni', 'Moschino', 'Love Moschino',

  // Luxury
  'Chanel', 'Dior', 'Louis Vuitton', 'Hermès', 'Celine', 'Saint Laurent', 'Yves Saint Laurent',
  'Givenchy', 'Balenciaga', 'Balmain', 'Chloé', 'See by Chloé', 'Loewe', 'Alexander McQueen',
  'Stella McCartney', 'Gucci', 'Prada', 'Miu Miu', 'Fendi', 'Valentino', 'Bottega Veneta', 'Versace',
  'Versace Jeans Couture', 'Dolce & Gabbana', 'Burberry', 'Moncler', 'Canada Goose', 'Woolrich',
  'Peuterey', 'Parajumpers', 'Mulberry', 'Goyard', 'Salvatore Ferragamo', "Tod's", 'Furla',
  'Jimmy Choo', 'Christian Louboutin', 'Manolo Blahnik', 'Sergio Rossi', 'Stuart Weitzman',
  'Roger Vivier', 'Golden Goose', 'Common Projects', 'Axel Arigato', 'Diane von Furstenberg',

  // Shoes
  'Dr. Martens', 'Birkenstock', 'Clarks', 'Geox', 'Ecco', 'Camper', "Church's", 'Sebago', 'Caterpillar',
  'Palladium', 'Aldo', 'Bata', 'Buffalo', 'Steve Madden', 'Superga', 'Skechers', 'Crocs', 'Havaianas',
  'Ipanema', 'Melissa', 'Tamaris', 'Rieker', 'Gabor', 'UGG', 'Hunter', 'Sorel', 'Red Wing', 'Loake',
  'Grenson', 'Hush Puppies', 'Kurt Geiger', 'Dune London', 'Office', 'Start Rite', 'Naturino',
  'Bobux', "Pom d'Api", 'Bellamy', 'Babybotte', 'Mod8', 'Shoo Pom', 'Autry', 'Karhu', 'Saola',

  // Lingerie & swim
  'Calzedonia', 'Intimissimi', 'Tezenis', "Women'secret", "Victoria's Secret", 'Hunkemöller',
  'Lascana', 'Triumph', 'Sloggi', 'Passionata', 'Banana Moon', 'Seafolly', 'Vilebrequin',
  'Orlebar Brown',

  // Kids
  'Jacadi', 'Okaïdi', 'Obaïbi', 'Vertbaudet', 'Du Pareil au Même', 'Sergent Major', "Tape à l'Œil",
  'Cyrillus', 'Bonpoint', 'Catimini', 'Orchestra', 'Absorba', 'Natalys', 'Grain de Blé', 'Name It',
  'Mayoral', 'Lupilu', "Carter's", 'OshKosh', 'Bonton', 'Tartine et Chocolat', 'Monnalisa',
  'Billieblush', 'Lili Gaufrette', '3 Pommes', 'Boboli', 'Sanetta', 'Mini Rodini', 'Stella Cove',
  'Liewood', 'Konges Sløjd', 'Bobo Choses', 'Noppies', 'Frugi',

  // Nursery & toys
  'Steiff', 'Moulin Roty', 'Sophie la Girafe', 'Kaloo', 'Jellycat', 'Djeco', 'Janod', 'VTech',
  'Fisher-Price', 'Chicco', 'Bébé Confort', 'Maxi-Cosi', 'Cybex', 'Bugaboo', 'Babyzen', 'Joie',
  'Britax Römer', 'Stokke', 'BabyBjörn', 'Ergobaby', 'Tommee Tippee', 'Philips Avent', 'LEGO',
  'Playmobil', 'Mattel', 'Barbie', 'Hasbro', 'Hot Wheels', 'Nerf', 'Polly Pocket',
  'Sylvanian Families', 'Schleich', 'Smoby', 'Vilac', 'Hape', 'Melissa & Doug', 'Ravensburger',
  'Clementoni', 'Asmodee', 'Disney', 'Pokémon', 'Marvel', 'Star Wars', 'Little Tikes', 'Brio',
  'Kapla', 'Magformers', 'Tonies',

  // Watches, jewellery, eyewear, bags
  'Rolex', 'Omega', 'TAG Heuer', 'Longines', 'Breitling', 'Hublot', 'Tudor', 'Cartier', 'Seiko',
  'Casio', 'G-Shock', 'Citizen', 'Tissot', 'Swatch', 'Daniel Wellington', 'Festina', 'Fossil',
  'Montblanc', 'Pandora', 'Swarovski', 'Thomas Sabo', 'Tiffany & Co.', 'Bulgari', 'Van Cleef & Arpels',
  'Chopard', 'Ray-Ban', 'Persol', 'Eastpak', 'Herschel', 'Kipling', 'Samsonite', 'Delsey', 'Tumi',
  'Rimowa', 'Vanessa Wu',

  // Beauty & fragrance
  "L'Oréal", 'Lancôme', 'Estée Lauder', 'Clinique', 'MAC', 'Nars', 'Benefit', 'Urban Decay',
  'Too Faced', 'Sephora', 'Yves Rocher', "L'Occitane", 'Nuxe', 'Caudalie', 'La Roche-Posay', 'Avène',
  'Vichy', 'Bioderma', 'Clarins', 'Shiseido', "Kiehl's", 'The Ordinary', 'Garnier', 'Maybelline',
  'Rimmel', 'Bourjois', 'Kiko Milano', 'NYX', 'Fenty Beauty', 'Charlotte Tilbury', 'Guerlain',
  'Nina Ricci', 'Rabanne', 'Jean Paul Gaultier', 'Mugler', 'Lush', 'Rituals', 'The Body Shop', 'Aesop',
  'Diptyque', 'Dyson', 'GHD', 'Babyliss', 'Braun', 'Remington',

  // Electronics & gaming
  'Apple', 'Samsung', 'Sony', 'PlayStation', 'Nintendo', 'Xbox', 'Microsoft', 'Sega', 'Huawei',
  'Xiaomi', 'OnePlus', 'Google', 'Oppo', 'Motorola', 'Nokia', 'LG', 'Panasonic', 'Philips', 'JBL',
  'Bose', 'Beats', 'Sennheiser', 'Marshall', 'Bang & Olufsen', 'Sonos', 'Canon', 'Nikon', 'Fujifilm',
  'Olympus', 'Pentax', 'Leica', 'Polaroid', 'GoPro', 'DJI', 'Garmin', 'Fitbit', 'Amazon Kindle', 'Kobo',
  'Lenovo', 'HP', 'Dell', 'Asus', 'Acer', 'MSI', 'Logitech', 'Razer', 'SteelSeries', 'Corsair',
  'Technics', 'Pioneer', 'Yamaha', 'Denon', 'Audio-Technica', 'Fairphone', 'Nothing', 'BlackBerry',
  'TomTom', 'Parrot',

  // Home & kitchen
  'IKEA', 'Maisons du Monde', 'Habitat', 'La Redoute Intérieurs', 'AM.PM', 'Zara Home', 'H&M Home',
  'Søstrene Grene', 'Hay', 'Muuto', 'Ferm Living', 'Vitra', 'Kartell', 'Alessi', 'Le Creuset', 'Staub',
  'Pyrex', 'Arcopal', 'Duralex', 'Luminarc', 'Villeroy & Boch', 'Gien', 'Bernardaud', 'Haviland',
  'Royal Copenhagen', 'Iittala', 'Baccarat', 'Daum', 'Lalique', 'Christofle', 'Le Jacquard Français',
  'Descamps', 'Yves Delorme', 'Bloomingville', 'Madam Stoltz', 'Fatboy', 'Opinel', 'Le Parfait',
  'Emile Henry', 'Mauviel', 'de Buyer', 'WMF', 'Zwilling', 'Tupperware', 'Bodum', 'Smeg', 'KitchenAid',
  'Kenwood', 'Magimix', 'Moulinex', 'Seb', 'Tefal', 'Krups', "De'Longhi", 'Nespresso', 'Rowenta',
  'Thermomix', 'Bosch', 'Cath Kidston', 'Emma Bridgewater', 'Orla Kiely', 'Yankee Candle', 'Cire Trudon',
  'Durance', 'Esteban', 'Sia', 'Bouchara', 'Alinea', 'Conforama', 'Laura Ashley', 'Sanderson',

  // Books & media
  'Gallimard', 'Folio', 'Le Livre de Poche', 'Pocket', "J'ai lu", 'Flammarion', 'Hachette', 'Penguin',
  'Bloomsbury', 'HarperCollins', 'Glénat', 'Dargaud', 'Dupuis', 'Casterman', 'Kana', 'Pika', 'Ki-oon',
  'DC Comics', 'Taschen', 'Phaidon', 'Larousse', 'Usborne', 'Bayard', 'Milan', "L'École des loisirs",
  'Nathan', 'Hatier', 'Bordas', 'Warner Bros.', 'Universal', 'Ubisoft', 'Electronic Arts',
  'Bandai Namco', 'Square Enix', 'Capcom', 'Konami',
];
