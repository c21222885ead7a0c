/**
 * Parses a run filter with chevrotain. The grammar, loosest binding first:
 *
 *   filter     := anyOf?
 *   anyOf      := allOf (OR allOf)*
 *   allOf      := term (AND term)*
 *   term       := NOT term | '(' anyOf ')' | comparison
 *   comparison := column ( op value | [NOT] LIKE|ILIKE string | [NOT] IN '(' value (',' value)* ')' | IS [NOT] NULL )
 *   column     := name | (last|min|max|best) '(' name ')'
 *
 * A name is `entity.key` as in MLflow (`metrics.auc`, `params.lr`, `tags.dataset`,
 * `attributes.status`, bare `status`); a key with spaces or symbols is quoted with backticks or
 * double quotes. Every error is a SearchError naming the 1-based column where it happens.
 */
import { EmbeddedActionsParser, Lexer, type IParserErrorMessageProvider, type IToken, type TokenType, createToken } from 'chevrotain';
import { NOT_KEPT, findAttribute, ATTRIBUTES } from './attributes.ts';
import { type ColumnRef, type Comparator, type Entity, type Expr, type Literal, type MetricAggregate, type SortKey, SearchError } from './syntax.ts';

const Name = createToken({ name: 'Name', label: 'a column such as metrics.auc', pattern: /(?:[A-Za-z_]\w*|`[^`]*`)(?:\.(?:`[^`]*`|"[^"]*"|'[^']*'|[^\s()=!<>,'"`]*))?/ });
const keyword = (word: string) => createToken({ name: word, label: word, pattern: new RegExp(word, 'i'), longer_alt: Name });
const And = keyword('AND');
const Or = keyword('OR');
const Not = keyword('NOT');
const In = keyword('IN');
const ILike = keyword('ILIKE');
const Like = keyword('LIKE');
const Is = keyword('IS');
const Null = keyword('NULL');
const True = keyword('TRUE');
const False = keyword('FALSE');
const Asc = keyword('ASC');
const Desc = keyword('DESC');
const Str = createToken({ name: 'String', label: "a quoted value such as 'v2'", pattern: /'(?:[^']|'')*'|"(?:[^"]|"")*"/ });
const Num = createToken({ name: 'Number', label: 'a number', pattern: /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/ });
const Op = createToken({ name: 'Comparator', label: 'a comparison such as =, !=, <, >, LIKE or IN', pattern: /!=|<>|<=|>=|==|=|<|>/ });
const LParen = createToken({ name: 'LParen', label: "'('", pattern: /\(/ });
const RParen = createToken({ name: 'RParen', label: "')'", pattern: /\)/ });
const Comma = createToken({ name: 'Comma', label: "','", pattern: /,/ });
const Space = createToken({ name: 'Space', pattern: /\s+/, group: Lexer.SKIPPED });

const TOKENS: TokenType[] = [Space, Str, Num, Op, LParen, RParen, Comma, And, Or, Not, In, ILike, Like, Is, Null, True, False, Asc, Desc, Name];
const lexer = new Lexer(TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: false });

const AGGREGATES: readonly MetricAggregate[] = ['last', 'min', 'max', 'best'];

class FilterParser extends EmbeddedActionsParser {
  constructor() {
    super(TOKENS, { maxLookahead: 3, errorMessageProvider: MESSAGES });
    this.performSelfAnalysis();
  }

  filter = this.RULE('filter', (): Expr | null => this.OPTION(() => this.SUBRULE(this.anyOf)) ?? null);

  orderBy = this.RULE('orderBy', (): SortKey[] => {
    const keys: SortKey[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const column = this.SUBRULE(this.column);
        const direction = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(Asc) }, { ALT: () => this.CONSUME(Desc) }]));
        keys.push({ column, descending: direction?.tokenType === Desc });
      },
    });
    return keys;
  });

  private anyOf = this.RULE('anyOf', (): Expr => {
    const items = [this.SUBRULE(this.allOf)];
    this.MANY(() => {
      this.CONSUME(Or);
      items.push(this.SUBRULE2(this.allOf));
    });
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  });

  private allOf = this.RULE('allOf', (): Expr => {
    const items = [this.SUBRULE(this.term)];
    this.MANY(() => {
      this.CONSUME(And);
      items.push(this.SUBRULE2(this.term));
    });
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  });

  private term = this.RULE('term', (): Expr =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Not);
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- chevrotain infers OR's type from each ALT
          return { kind: 'not', item: this.SUBRULE(this.term) } as Expr;
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.anyOf);
          this.CONSUME(RParen);
          return inner;
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]),
  );

  private comparison = this.RULE('comparison', (): Expr => {
    const column = this.SUBRULE(this.column);
    return this.OR([
      {
        ALT: () => {
          const op = this.CONSUME(Op);
          const value = this.SUBRULE(this.value);
          return compare(column, normalOp(op.image), [value], op);
        },
      },
      {
        ALT: () => {
          const negated = this.OPTION(() => this.CONSUME(Not));
          const op = this.OR2([{ ALT: () => this.CONSUME(Like) }, { ALT: () => this.CONSUME(ILike) }]);
          const value = this.SUBRULE2(this.value);
          const word = op.tokenType === Like ? 'LIKE' : 'ILIKE';
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- a template literal widens to string
          return compare(column, (negated ? `NOT ${word}` : word) as Comparator, [value], negated ?? op);
        },
      },
      {
        ALT: () => {
          const negated = this.OPTION2(() => this.CONSUME2(Not));
          const op = this.CONSUME(In);
          this.CONSUME(LParen);
          const values: Literal[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => values.push(this.SUBRULE3(this.value)) });
          this.CONSUME(RParen);
          return compare(column, negated ? 'NOT IN' : 'IN', values, negated ?? op);
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(Is);
          const negated = this.OPTION3(() => this.CONSUME3(Not));
          this.CONSUME(Null);
          return compare(column, negated ? 'IS NOT NULL' : 'IS NULL', [], op);
        },
      },
    ]);
  });

  private column = this.RULE('column', (): ColumnRef => {
    const name = this.CONSUME(Name);
    const call = this.OPTION(() => {
      this.CONSUME(LParen);
      const inner = this.CONSUME2(Name);
      this.CONSUME(RParen);
      return inner;
    });
    return this.ACTION(() => (call ? aggregateOf(name, call) : columnOf(name, 'last')));
  });

  private value = this.RULE('value', (): Literal =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(Str);
          return { value: unquote(token.image), at: at(token), text: token.image };
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(Num);
          return { value: Number(token.image), at: at(token), text: token.image };
        },
      },
      {
        ALT: () => {
          const token = this.OR2([{ ALT: () => this.CONSUME(True) }, { ALT: () => this.CONSUME(False) }]);
          return { value: token.tokenType === True, at: at(token), text: token.image };
        },
      },
    ]),
  );
}

function at(token: IToken): number {
  return token.startOffset + 1;
}

function normalOp(image: string): Comparator {
  return image === '<>' ? '!=' : image === '==' ? '=' : (image as Comparator);
}

function compare(column: ColumnRef, comparator: Comparator, values: Literal[], token: IToken): Expr {
  return { kind: 'compare', column, comparator, values, at: at(token) };
}

/** SQL-style quoting: the outer quotes go, a doubled quote inside stands for one. */
function unquote(text: string): string {
  const quote = text[0]!;
  return text.slice(1, -1).replaceAll(quote + quote, quote);
}

function stripQuotes(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'" || text[0] === '`') && text.at(-1) === text[0]) return text.slice(1, -1);
  return text;
}

const ENTITIES: Readonly<Record<string, Entity>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

/** `entity.key`, split at the first dot outside backticks, as MLflow does. */
function columnOf(token: IToken, aggregate: MetricAggregate): ColumnRef {
  const text = token.image;
  const dot = text.startsWith('`') ? text.indexOf('.', text.indexOf('`', 1)) : text.indexOf('.');
  const position = at(token);
  if (dot < 0) return attribute(stripQuotes(text), text, position, aggregate);
  const prefix = stripQuotes(text.slice(0, dot));
  const key = stripQuotes(text.slice(dot + 1));
  const entity = ENTITIES[prefix];
  if (prefix === 'dataset' || prefix === 'datasets') throw new SearchError(`${text}: ML Lifecycle does not keep MLflow dataset inputs; filter on a tag or param instead.`, position);
  if (!entity) throw new SearchError(`"${prefix}" is not a kind of column; write metrics.KEY, params.KEY, tags.KEY or attributes.KEY.`, position);
  if (!key) throw new SearchError(`${text} names no key; write ${prefix}.KEY, quoting the key with backticks if it has spaces or symbols.`, position);
  if (entity === 'attribute') return attribute(key, text, position, aggregate);
  if (aggregate !== 'last' && entity !== 'metric') throw new SearchError(`${aggregate}() applies to metrics only, not to ${text}.`, position);
  return { entity, key, aggregate, at: position, text };
}

function attribute(key: string, text: string, position: number, aggregate: MetricAggregate): ColumnRef {
  if (NOT_KEPT[key]) throw new SearchError(`attributes.${key} is not available: ${NOT_KEPT[key]}.`, position);
  const found = findAttribute(key);
  if (!found) throw new SearchError(`"${key}" is not a run attribute. Attributes: ${ATTRIBUTES.map((a) => a.key).join(', ')}; or write metrics.${key}, params.${key} or tags.${key}.`, position);
  if (aggregate !== 'last') throw new SearchError(`${aggregate}() applies to metrics only, not to ${text}.`, position);
  return { entity: 'attribute', key: found.key, aggregate, at: position, text };
}

function aggregateOf(fn: IToken, inner: IToken): ColumnRef {
  const name = fn.image.toLowerCase() as MetricAggregate;
  if (!AGGREGATES.includes(name)) throw new SearchError(`${fn.image}() is not known; use last(), min(), max() or best() of a metric.`, at(fn));
  return columnOf(inner, name);
}

function describe(token: IToken): string {
  return token.tokenType.name === 'EOF' ? 'the end of the filter' : `"${token.image}"`;
}

const MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${expected.LABEL ?? expected.name} but found ${describe(actual)}.`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `${describe(firstRedundant)} is not expected here; join conditions with AND or OR.`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `${describe(actual[0]!)} is not expected here; ${EXPECTED[ruleName] ?? 'check the filter'}.`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `${describe(actual[0]!)} is not expected here; ${EXPECTED[ruleName] ?? 'check the filter'}.`,
};

const EXPECTED: Readonly<Record<string, string>> = {
  term: 'expected a condition such as metrics.auc > 0.9, NOT, or "("',
  comparison: 'expected a comparison such as =, !=, <, >, LIKE, IN (...) or IS NULL',
  value: "expected a quoted value such as 'v2', a number, true or false",
};

const parser = new FilterParser();

/** The filter's expression, or null for an empty filter (every run). */
export function parseFilter(text: string): Expr | null {
  return run(text, () => parser.filter());
}

/** `metrics.auc DESC, params.lr` as sort keys (ascending unless DESC); empty text is no keys. */
export function parseOrderBy(text: string): SortKey[] {
  return text.trim() === '' ? [] : run(text, () => parser.orderBy());
}

/** A single column reference such as `max(metrics.auc)` or `params.lr`. */
export function parseColumn(text: string): ColumnRef {
  const keys = parseOrderBy(text);
  if (keys.length !== 1 || keys[0]!.descending) throw new SearchError('expected one column such as metrics.auc.', 1);
  return keys[0]!.column;
}

function run<T>(text: string, rule: () => T): T {
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const error = lexed.errors[0]!;
    const char = text[error.offset]!;
    const reason = char === "'" || char === '"' || char === '`' ? `the text quoted with ${char} that starts here is not closed.` : `"${char}" is not expected here.`;
    throw new SearchError(reason, error.offset + 1);
  }
  parser.input = lexed.tokens;
  // Errors of meaning (an unknown kind of column, ...) are thrown from the actions with their column.
  const result = rule();
  if (parser.errors.length > 0) {
    const error = parser.errors[0]!;
    const token = error.token;
    const column = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset) ? text.length + 1 : token.startOffset + 1;
    throw new SearchError(error.message, column);
  }
  return result;
}
