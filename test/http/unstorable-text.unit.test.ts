import { isStorableText, unstorableText, UNSTORABLE_TEXT_MESSAGE } from '../../src/shared/text';

describe('unstorableText', () => {
  it('When text holds emoji, accents or other astral characters, then it is storable; a NUL or a lone half of a pair is not', () => {
    expect(isStorableText('Veste en jean 👖 — état neuf, 𝒳')).toBe(true);
    for (const text of ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '👖'.slice(0, 1)]) expect(isStorableText(text)).toBe(false);
  });

  it('When a value nests objects and arrays, then every offending string is named by its dotted path, in input order', () => {
    const body = { title: 'ok', details: { notes: ['fine', 'bad\u0000', { deep: '\ud83d' }] }, price: 10, tags: null };
    expect(unstorableText(body, 'body')).toEqual([
      { field: 'details.notes.1', message: UNSTORABLE_TEXT_MESSAGE },
      { field: 'details.notes.2.deep', message: UNSTORABLE_TEXT_MESSAGE },
    ]);
  });

  it('When a key is unstorable, then the object holding it is named; when the value itself is a string, then the root is', () => {
    expect(unstorableText({ attributes: { 'ma\u0000rque': 'Nike' } }, 'body')).toEqual([{ field: 'attributes', message: `has a key that ${UNSTORABLE_TEXT_MESSAGE}` }]);
    expect(unstorableText('\u0000', 'body')).toEqual([{ field: 'body', message: UNSTORABLE_TEXT_MESSAGE }]);
    expect(unstorableText({ q: 'nike' }, 'query')).toEqual([]);
  });

  it('When a value is nested far deeper than the call stack allows, then it is still walked', () => {
    let value: unknown = '\u0000';
    for (let i = 0; i < 50_000; i++) value = [value];
    const problems = unstorableText(value, 'body');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe(Array(50_000).fill('0').join('.'));
  });
});
