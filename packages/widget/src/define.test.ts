import { expect, waitUntil } from '@open-wc/testing';
import './widget.js';

describe('/widget.js registration', () => {
  it('defines <parley-thread> at once and each index element only once its tag is in the document', async () => {
    expect(customElements.get('parley-thread')).to.be.a('function');
    for (const tag of ['parley-count', 'parley-card', 'parley-threads'])
      expect(customElements.get(tag), tag).to.equal(undefined);
    // Added later, deep in the page (a single-page site rendering a post list).
    const list = document.createElement('section');
    document.body.append(list);
    const inner = document.createElement('div');
    list.append(inner);
    inner.innerHTML = '<parley-count thread="/p"></parley-count>';
    await waitUntil(() => customElements.get('parley-count'), 'the count chunk defines its tag');
    expect(inner.querySelector('parley-count')!.shadowRoot).not.to.equal(null);
    expect(customElements.get('parley-card')).to.equal(undefined);
    inner.innerHTML = '<parley-threads></parley-threads><parley-card thread="/p"></parley-card>';
    await waitUntil(
      () => customElements.get('parley-threads') && customElements.get('parley-card'),
      'both chunks define their tags',
    );
    list.remove();
  });
});
