// readability_run.js SAMPLES_WEB_DIR OUT_DIR: Mozilla's Readability.js (what Firefox Reader
// View runs) under Node with jsdom, on every page folder's source.html, as Reader View's own
// test suite runs it (the page at http://fakehost/test/page.html). Writes OUT_DIR/NAME.html
// (the article) and OUT_DIR/NAME.json (its metadata), and prints the time spent parsing and
// extracting, without Node's start and the modules' load:  TIME parse_and_extract_s=SECONDS
// Used by tests/bench/web.sh, which installs the two npm packages in the bench's own folder.
'use strict';
const fs = require('fs');
const path = require('path');
const { JSDOM } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const [web, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
let spent = 0;
for (const name of fs.readdirSync(web).sort()) {
  const src = path.join(web, name, 'source.html');
  if (!fs.existsSync(src)) continue;
  const html = fs.readFileSync(src, 'utf8');
  const t0 = process.hrtime.bigint();
  const dom = new JSDOM(html, { url: 'http://fakehost/test/page.html' });
  const article = new Readability(dom.window.document).parse();
  spent += Number(process.hrtime.bigint() - t0) / 1e9;
  dom.window.close();
  if (!article) continue;
  fs.writeFileSync(path.join(out, name + '.html'), article.content || '');
  fs.writeFileSync(path.join(out, name + '.json'), JSON.stringify({
    title: article.title, byline: article.byline, dir: article.dir, lang: article.lang,
    siteName: article.siteName, excerpt: article.excerpt, publishedTime: article.publishedTime,
  }));
}
console.log(`TIME parse_and_extract_s=${spent.toFixed(3)}`);
