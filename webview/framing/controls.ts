import type { ChoiceOption } from '../../src/framing/steps.ts';
import { el } from '../shared/vscode.ts';

export type RawValue = string | boolean | null;

/** What the wizard's controls need from the page: where they live, where they register, how a value is sent. */
export interface ControlContext {
  /** The page; Enter walks through the current step's controls inside it. */
  readonly root: HTMLElement;
  /** The current step's controls by field path; each control registers itself here. */
  readonly controls: Map<string, HTMLElement>;
  readonly sendField: (path: string, value: RawValue, immediate: boolean) => void;
}

/** The form controls of a framing step, each bound to one field path. */
export function framingControls(context: ControlContext) {
  const { root, controls, sendField } = context;
  const domId = (path: string) => `f-${path.replace(/[^A-Za-z0-9]/g, '-')}`;

  function textControl(path: string, multiline: boolean, label: string, placeholder?: string): HTMLElement {
    const control = multiline ? el('vscode-textarea', { id: domId(path), rows: '3', resize: 'vertical' }) : el('vscode-textfield', { id: domId(path) });
    control.dataset.path = path;
    control.dataset.testid = `field-${path}`;
    if (placeholder) control.setAttribute('placeholder', placeholder);
    control.addEventListener('input', () => sendField(path, control.value, false));
    if (!multiline) control.addEventListener('keydown', (event) => {
      // Enter in a one-line field moves on, like Tab, so keyboard users never get stuck.
      if ((event).key === 'Enter') focusNextControl(control);
    });
    control.label = label;
    controls.set(path, control);
    return control;
  }

  /** Money and other numbers are typed as text, so "12k" reaches the extension and is reported at the field. */
  function numberControl(path: string, label: string): HTMLElement {
    const control = textControl(path, false, label);
    control.setAttribute('inputmode', 'decimal');
    return control;
  }

  function selectControl(path: string, options: readonly ChoiceOption[], label: string): HTMLElement {
    const control = el('vscode-single-select', { id: domId(path) });
    control.dataset.path = path;
    control.dataset.testid = `field-${path}`;
    control.append(el('vscode-option', { value: '' }, '—'), ...options.map((o) => el('vscode-option', { value: o.value, ...(o.description ? { description: o.description } : {}) }, o.label)));
    control.label = label;
    control.addEventListener('change', () => sendField(path, control.value === '' ? null : control.value, true));
    controls.set(path, control);
    return control;
  }

  function radioControl(path: string, options: readonly ChoiceOption[], label: string, variant: 'vertical' | 'horizontal' = 'vertical'): HTMLElement {
    const group = el('vscode-radio-group', { id: domId(path), variant, 'aria-label': label });
    group.dataset.path = path;
    group.dataset.testid = `field-${path}`;
    for (const option of options) {
      const radio = el('vscode-radio', { name: domId(path), value: option.value, 'data-testid': `field-${path}-${option.value}` }, option.description ? `${option.label} — ${option.description}` : option.label);
      radio.addEventListener('change', () => {
        if (radio.checked) sendField(path, option.value, true);
      });
      group.append(radio);
    }
    controls.set(path, group);
    return group;
  }

  function checkboxControl(path: string, label: string): HTMLElement {
    const box = el('vscode-checkbox', { id: domId(path), 'data-testid': `field-${path}` }, label);
    box.dataset.path = path;
    box.addEventListener('change', () => sendField(path, box.checked, true));
    controls.set(path, box);
    return box;
  }

  function focusNextControl(from: HTMLElement): void {
    const all = [...root.querySelectorAll<HTMLElement>('.fw-step [data-path], .fw-step vscode-button')];
    all[all.indexOf(from) + 1]?.focus();
  }

  return { domId, textControl, numberControl, selectControl, radioControl, checkboxControl };
}
