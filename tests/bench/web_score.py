#!/usr/bin/env python3
"""usage: web_score.py SAMPLES_WEB_DIR BOOKS_DIR [READABILITY_DIR] [-v]

Scores article extraction against what Firefox Reader View extracts (issue 13). For each page
folder NAME in SAMPLES_WEB_DIR (source.html, expected.html, expected-metadata.json):

  text      precision, recall and F1 of the words' 4-word shingles (words: runs of \\w, Unicode,
            lower-cased; shingles counted as a multiset), the metric article-extraction
            benchmarks use, between expected.html and
              - sheaf's book BOOKS_DIR/NAME.epub: the reading text of its article documents
                (nav, cover, title page, sources and each article's opening header left out,
                as ../shared/tools/web_f1.py does);
              - Readability.js's own output READABILITY_DIR/NAME.html (when given).
  metadata  title, byline, language, direction and site name, each equal to Reader View's
            (whitespace collapsed; bylines also without a leading "By"; language case-folded;
            "Written by" too; a value Reader View did not find counts as matched when none is
            given either).
            For the book: dc:title, the dc:creator elements joined with ", " (their order as
            in the byline), dc:language (only when the page has one: a book always has a
            language), the dir attribute of the first article document, dc:publisher.
            For Readability.js: READABILITY_DIR/NAME.json.

Prints one line per page with -v, then the means and the counts."""
import collections, html.parser, json, os, posixpath, re, sys, zipfile
import xml.etree.ElementTree as ET

X = '{http://www.w3.org/1999/xhtml}'
OPF = '{http://www.idpf.org/2007/opf}'
DC = '{http://purl.org/dc/elements/1.1/}'


def shingles(text):
    w = re.findall(r'\w+', text.lower())
    return collections.Counter(tuple(w[i:i + 4]) for i in range(max(len(w) - 3, 0)))


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, a):
        if tag in ('script', 'style'):
            self.skip += 1
        self.out.append(' ')

    def handle_endtag(self, tag):
        if tag in ('script', 'style'):
            self.skip = max(self.skip - 1, 0)
        self.out.append(' ')

    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)


def html_text(data):
    p = Text()
    p.feed(data)
    return ''.join(p.out)


def book(path):
    z = zipfile.ZipFile(path)
    c = ET.fromstring(z.read('META-INF/container.xml'))
    opf_path = c.find('.//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile').get('full-path')
    opf = ET.fromstring(z.read(opf_path))
    base = posixpath.dirname(opf_path)

    def dc(name):
        return [' '.join(''.join(e.itertext()).split()) for e in opf.iter(DC + name)]

    meta = {'title': (dc('title') or [''])[0], 'byline': ', '.join(dc('creator')) or None,
            'lang': (dc('language') or [None])[0], 'siteName': (dc('publisher') or [None])[0],
            'dir': None}
    items = {i.get('id'): i for i in opf.iter(OPF + 'item')}
    out, first = [], True

    def walk(e):
        cls = (e.get('class') or '').split()
        if e.tag in (X + 'script', X + 'style') or 'article-opening' in cls:
            out.append(e.tail or '')
            return
        out.append(e.text or '')
        for ch in e:
            walk(ch)
        out.append(' ')
        out.append(e.tail or '')

    for ref in opf.iter(OPF + 'itemref'):
        it = items.get(ref.get('idref'))
        if it is None or 'nav' in (it.get('properties') or '').split():
            continue
        name = posixpath.basename(it.get('href'))
        if name.startswith(('cover', 'title', 'sources', 'nav')):
            continue
        doc = ET.fromstring(z.read(posixpath.join(base, it.get('href')) if base else it.get('href')))
        if first:
            meta['dir'] = doc.get('dir')
            first = False
        body = doc.find(X + 'body')
        if body is not None:
            walk(body)
    return meta, ''.join(out)


def prf(want, got):
    tp = sum((want & got).values())
    p = tp / max(sum(got.values()), 1)
    r = tp / max(sum(want.values()), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm(v, field):
    if v is None:
        return None
    v = ' '.join(str(v).split())
    if field == 'byline':
        v = re.sub(r'^(written\s+)?by\s*:?\s+', '', v, flags=re.I)
    if field in ('lang', 'byline', 'dir'):
        v = v.lower()
    return v or None


FIELDS = ('title', 'byline', 'lang', 'dir', 'siteName')


def meta_match(want, got, field):
    w, g = norm(want.get(field), field), norm(got.get(field), field)
    if field == 'lang' and w is None:
        return None  # a book always has a language: only pages that state one count
    return w == g


def main():
    args = [a for a in sys.argv[1:] if a != '-v']
    verbose = '-v' in sys.argv
    web, books = args[0], args[1]
    rdir = args[2] if len(args) > 2 else None
    tools = {'sheaf': [], 'readability': []}
    for name in sorted(os.listdir(web)):
        d = os.path.join(web, name)
        if not os.path.isfile(os.path.join(d, 'expected.html')):
            continue
        want_meta = json.load(open(os.path.join(d, 'expected-metadata.json'), encoding='utf-8'))
        want = shingles(html_text(open(os.path.join(d, 'expected.html'), encoding='utf-8',
                                       errors='replace').read()))
        got_meta, text = {}, ''
        b = os.path.join(books, name + '.epub')
        built = os.path.exists(b)
        if built:
            try:
                got_meta, text = book(b)
            except Exception:
                built = False
        row = {'name': name, 'built': built, 'prf': prf(want, shingles(text)),
               'meta': {f: meta_match(want_meta, got_meta, f) for f in FIELDS}}
        tools['sheaf'].append(row)
        if rdir:
            h = os.path.join(rdir, name + '.html')
            rm = os.path.join(rdir, name + '.json')
            ok = os.path.exists(h) and os.path.exists(rm)
            rtext = html_text(open(h, encoding='utf-8').read()) if ok else ''
            rmeta = json.load(open(rm, encoding='utf-8')) if ok else {}
            tools['readability'].append({'name': name, 'built': ok,
                                         'prf': prf(want, shingles(rtext)),
                                         'meta': {f: meta_match(want_meta, rmeta, f)
                                                  for f in FIELDS}})
        if verbose:
            p, r, f = row['prf']
            flags = ' '.join('%s=%s' % (k, {True: 'ok', False: 'NO', None: '-'}[v])
                             for k, v in row['meta'].items())
            print('%-34s P %.3f R %.3f F1 %.3f  %s' % (name, p, r, f, flags))
    for tool, rows in tools.items():
        if not rows:
            continue
        n = len(rows)
        mp = sum(r['prf'][0] for r in rows) / n
        mr = sum(r['prf'][1] for r in rows) / n
        mf = sum(r['prf'][2] for r in rows) / n
        counts = []
        for f in FIELDS:
            vals = [r['meta'][f] for r in rows if r['meta'][f] is not None]
            counts.append('%s %d/%d' % (f, sum(vals), len(vals)))
        print('RESULT %s pages=%d built=%d f1=%.3f precision=%.3f recall=%.3f %s' %
              (tool, n, sum(r['built'] for r in rows), mf, mp, mr,
               ' '.join(c.replace(' ', '=') for c in counts)))


if __name__ == '__main__':
    main()
