import { catalogues, translate } from './i18n.js';

describe('the message catalogues', () => {
  it('have the same keys, none empty, in both languages', () => {
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues.id).sort());
    for (const locale of ['id', 'en'] as const) {
      for (const [key, text] of Object.entries(catalogues[locale]))
        expect([key, text.trim()]).not.toEqual([key, '']);
    }
  });

  it('keep the accessible names of the UI contract in Bahasa Indonesia', () => {
    const contract = [
      'Email',
      'Kata sandi',
      'Masuk',
      'Keluar',
      'English',
      'Buat permintaan',
      'Tutup penawaran sekarang',
    ];
    const values = new Set(Object.values(catalogues.id));
    for (const name of contract) expect(values.has(name)).toBe(true);
    expect(translate('en', 'switchLanguage')).toBe('Bahasa Indonesia');
  });

  it('fills placeholders', () => {
    expect(translate('id', 'closesIn', { time: '2 jam 5 mnt' })).toBe('Ditutup dalam 2 jam 5 mnt');
  });
});
