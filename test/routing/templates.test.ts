import { expect } from 'chai';
import { checkVariables, placeholders, render } from '../../src/templates/render';

describe('templates', () => {
  const sms = { body: 'Code {{code}} for {{ user.name }}' };
  const email = { subject: 'Hi {{name}}', body: 'Code {{code}}' };

  it('finds placeholders in subject and body', () => {
    expect([...placeholders(email)].sort()).to.deep.equal(['code', 'name']);
    expect([...placeholders(sms)].sort()).to.deep.equal(['code', 'user.name']);
  });

  it('reports missing variables of usable templates and unknown ones of none', () => {
    expect(checkVariables([sms], [sms, email], { code: 1, name: 'x', typo: 2 })).to.deep.equal({ missing: ['user.name'], unknown: ['typo'] });
  });

  it('renders values as text', () => {
    expect(render(email, { code: 42, name: 'Ada' })).to.deep.equal({ subject: 'Hi Ada', body: 'Code 42' });
  });
});
