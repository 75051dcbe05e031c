/*
 * The most used passwords, as found in public breach corpora (lowercase). Most of them already fail
 * the length or letter-and-digit rules; they are kept so the refusal names the real problem. The
 * ones that pass those rules (`password1`, `1qaz2wsx`, `p@ssw0rd`…) are the reason this list
 * exists. Context words (our name, the marketplaces we publish to) are added, as NIST 800-63B asks.
 */

const LIST = `
123456 123456789 12345678 password qwerty123 qwerty 1q2w3e4r 12345 111111 1234567890
1234567 123123 000000 abc123 password1 iloveyou 1q2w3e 1qaz2wsx qwertyuiop 123321
654321 666666 121212 7777777 987654321 88888888 11111111 12341234 123qwe 123abc
qwe123 a123456 a1b2c3d4 abc12345 abcd1234 aa123456 aa12345678 asdf1234 asd123 zxcvbnm
asdfghjkl zaq12wsx zaq1zaq1 1qazxsw2 q1w2e3r4 q1w2e3r4t5 1q2w3e4r5t 1q2w3e4r5t6y qazwsx123 qwer1234
qwerty1 qwerty12 qwerty1234 qwerty123456 qwertyui qwertyu1 123456a 123456q 12345a 12345qwert
password12 password123 password1234 password12345 password2 password01 passw0rd p@ssw0rd p@ssword p4ssw0rd
pa55word pa55w0rd passwort passwort1 motdepasse motdepasse1 contrase contraseña1 changeme changeme1
letmein letmein1 letmein123 welcome welcome1 welcome12 welcome123 welcome2024 welcome2025 hello123
hello1234 hellohello admin admin1 admin123 admin1234 admin12345 administrator root1234 test1234
test12345 testtest test123 testing1 testing123 guest123 user1234 login123 demo1234 default1
iloveyou1 iloveyou2 iloveyou12 iloveu123 loveyou1 lovely12 love1234 lovelove 123love 1loveyou
sunshine sunshine1 princess princess1 football football1 baseball baseball1 basketball soccer12
dragon dragon12 dragon123 monkey monkey12 monkey123 shadow shadow12 shadow123 master master12
master123 superman superman1 batman12 batman123 starwars starwars1 pokemon1 pokemon123 naruto123
michael1 jessica1 jennifer1 charlie1 charlie123 daniel12 jordan23 jordan123 thomas12 andrew12
michelle1 nicole12 ashley12 hannah12 matthew1 robert12 william1 joshua12 jessica12 anthony1
liverpool1 chelsea1 arsenal1 barcelona1 juventus1 marseille1 realmadrid1 manchester1 newyork1 london12
paris123 berlin123 france123 soleil123 bonjour1 azerty123 azertyuiop azerty12 azerty1 qwertz123
trustno1 whatever1 freedom1 computer1 internet1 samsung1 iphone12 google123 facebook1 linkedin1
summer12 summer2024 summer2025 winter12 winter2024 spring2024 autumn2024 january1 monday123 friday13
abcdefg1 abcdefgh abcdef123 abc123456 abcabc123 aaaaaaa1 aaaaaa11 a1a1a1a1 a1234567 a12345678
qaz123wsx 1234qwer 1234abcd 1234asdf 123asd123 12qwaszx 1a2b3c4d zxcv1234 zxcvbnm1 zxc12345
asdfasdf asdfgh12 asdfghjk1 qazxswedc 1qaz2wsx3edc 147258369 159753 159357 741852963 963852741
secret12 secret123 mypassword mypassword1 mypass123 pass1234 pass12345 passpass 1password 1passw0rd
killer12 hunter12 hunter123 ranger12 tigger12 ginger12 buster12 pepper12 cookie12 jasmine1
flower12 butterfly1 chocolate1 cheese123 banana12 orange12 purple12 yellow12 silver12 diamond1
blink182 qwerty69 sexy1234 angel123 angels12 babygirl1 baby1234 family12 jesus123 god12345
stoflow stoflow1 stoflow12 stoflow123 stoflow2024 vinted123 vinted2024 ebay1234 etsy1234 reseller1
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
