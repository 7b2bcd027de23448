// Synthetic records for the OOLONG-style suites (count-text, pairs-text): one line per record, a user id, a
// date and a trivia question whose kind (a place, a person, a number...) must be read from what it asks. No
// record names its kind, and the templates vary their wording, so a keyword search does not find the label:
// a reader has to understand each question, which is what OOLONG measures (after TREC's coarse labels).

import type { Random } from '../random';

export type RecordLabel = 'location' | 'person' | 'number' | 'description' | 'entity' | 'abbreviation';

export const RECORD_LABELS: readonly RecordLabel[] = ['location', 'person', 'number', 'description', 'entity', 'abbreviation'];

/** How each label is named in a question about the records. */
export const LABEL_MEANING: Record<RecordLabel, string> = {
  location: 'a place (a city, country, river, continent or other location)',
  person: 'a person (who did, made or was something)',
  number: 'a number (a count, year, size, price or other quantity)',
  description: 'an explanation or description (why or how something is)',
  entity: 'a kind of thing (an object, animal, instrument, breed or other entity)',
  abbreviation: 'what an abbreviation or acronym stands for',
};

export interface QuestionRecord {
  id: number;
  user: number;
  label: RecordLabel;
  line: string;
}

const W = {
  name: ['Amara', 'Boris', 'Chen', 'Dalia', 'Emil', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kira', 'Lars', 'Mina', 'Nils', 'Oona', 'Pavel', 'Rosa', 'Sami', 'Tomas', 'Uma', 'Vera', 'Wim', 'Yara', 'Zeno'],
  town: ['Aldermoor', 'Brightwater', 'Castelnuovo', 'Dunmere', 'Eastwick', 'Falkenrode', 'Greyhaven', 'Hollowmere', 'Ironbridge', 'Juniper Falls', 'Kestrel Bay', 'Lindenau', 'Marlow Cross', 'Northcombe', 'Oakridge', 'Pellston'],
  landmark: ['the Old Lantern Tower', 'the Glass Viaduct', 'the Silver Lake dam', 'the Marble Steps', 'the Red Fort of Ashwin', 'the Sunken Cathedral', 'the Granite Arch', 'the Copper Market hall'],
  title: ['The Quiet Orchard', 'Salt and Iron', 'A Map of Winters', 'The Last Ferryman', 'Paper Lanterns', 'Under the Clock', 'The Amber Road', 'Night Harbour'],
  profession: ['botanist', 'engineer', 'astronomer', 'chemist', 'architect', 'cartographer', 'physician', 'linguist'],
  nationality: ['Danish', 'Peruvian', 'Korean', 'Moroccan', 'Finnish', 'Chilean', 'Greek', 'Nigerian'],
  animal: ['heron', 'lynx', 'otter', 'ibex', 'tern', 'badger', 'marten', 'gecko'],
  thing: ['lighthouse lamp', 'steam engine', 'harbour crane', 'pocket watch', 'printing press', 'church organ'],
  device: ['barometer', 'sextant', 'water clock', 'loom', 'telegraph key', 'windmill'],
  phenomenon: ['sea fog along the coast', 'the green flash at sunset', 'frost flowers on ice', 'tides in narrow bays', 'echoes in canyons'],
  game: ['hnefatafl', 'mancala', 'croquet', 'bocce', 'go', 'backgammon'],
  adj: ['oldest', 'tallest', 'narrowest', 'busiest', 'quietest', 'largest'],
  building: ['observatory', 'library', 'opera house', 'railway station', 'clock tower', 'museum'],
  org: ['Royal Society of Mapmakers', 'Northern Rail Guild', 'Harbour Council', 'Society of Glassblowers'],
  acronym: ['IRTC', 'NVMB', 'PLQA', 'GSRF', 'HDLT', 'OMCV', 'KTSP', 'BWRL', 'FEQN', 'ZPLM'],
  year: ['1871', '1903', '1926', '1954', '1968', '1987'],
  season: ['autumn', 'late spring', 'midwinter', 'the dry season'],
  ordinal: ['first', 'second', 'third', 'fifth'],
  region: ['the Vell archipelago', 'the province of Ostmark', 'the Calder highlands', 'the republic of Mirova'],
  instrument: ['cello', 'oboe', 'lute', 'harmonium'],
};

type Template = (r: Random) => string;
const p = <K extends keyof typeof W>(r: Random, key: K) => r.pick(W[key]);

/** Several wordings per label; none names the label itself. */
const TEMPLATES: Record<RecordLabel, Template[]> = {
  location: [
    (r) => `Which city is home to the ${p(r, 'adj')} ${p(r, 'building')} built by ${p(r, 'name')}?`,
    (r) => `Where did the ${p(r, 'nationality')} ${p(r, 'profession')} ${p(r, 'name')} grow up?`,
    (r) => `In what country would a traveller find ${p(r, 'landmark')}?`,
    (r) => `What is the capital of ${p(r, 'region')}?`,
    (r) => `On which continent does the wild ${p(r, 'animal')} breed?`,
    (r) => `Which river runs past ${p(r, 'town')}?`,
  ],
  person: [
    (r) => `Who wrote the novel ${p(r, 'title')}?`,
    (r) => `Which ${p(r, 'profession')} first sketched ${p(r, 'landmark')}?`,
    (r) => `Who was the ${p(r, 'ordinal')} chair of the ${p(r, 'org')}?`,
    (r) => `Name the ${p(r, 'nationality')} painter behind ${p(r, 'title')}.`,
    (r) => `Who restored the ${p(r, 'thing')} of ${p(r, 'town')}?`,
  ],
  number: [
    (r) => `How many eggs does a ${p(r, 'animal')} usually lay?`,
    (r) => `In what year was the ${p(r, 'building')} of ${p(r, 'town')} finished?`,
    (r) => `How tall is ${p(r, 'landmark')}, in metres?`,
    (r) => `How many people lived in ${p(r, 'town')} in ${p(r, 'year')}?`,
    (r) => `What did the ${p(r, 'thing')} cost in ${p(r, 'year')}?`,
  ],
  description: [
    (r) => `Why does the ${p(r, 'animal')} travel south in ${p(r, 'season')}?`,
    (r) => `How does a ${p(r, 'device')} work?`,
    (r) => `What causes ${p(r, 'phenomenon')}?`,
    (r) => `Explain the rules of ${p(r, 'game')}.`,
  ],
  entity: [
    (r) => `What breed of dog did ${p(r, 'name')} keep at ${p(r, 'landmark')}?`,
    (r) => `Which instrument did ${p(r, 'name')} play on ${p(r, 'title')}?`,
    (r) => `What kind of tree grows beside ${p(r, 'landmark')}?`,
    (r) => `What was the ship called that first reached ${p(r, 'town')}?`,
  ],
  abbreviation: [
    (r) => `What does ${p(r, 'acronym')} stand for?`,
    (r) => `What is the full form of ${p(r, 'acronym')} on the ${p(r, 'org')} letterhead?`,
    (r) => `Expand ${p(r, 'acronym')}, as printed on the ${p(r, 'thing')}.`,
  ],
};

export interface RecordPlan {
  /** Characters of text to produce (the last record that fits ends it). */
  chars: number;
  users: number;
  /** Which labels a user may draw, and how often; a user missing a label never asks about it. */
  labelsOf: (user: number) => readonly RecordLabel[];
}

/** Records until `plan.chars` is reached; each user's first record is forced to its first label. */
export function generateRecords(plan: RecordPlan, r: Random): { text: string; records: QuestionRecord[] } {
  const lines: string[] = [];
  const records: QuestionRecord[] = [];
  const seen = new Set<number>();
  let chars = 0;
  for (let id = 1; ; id++) {
    const user = 1000 + r.int(0, plan.users - 1);
    const labels = plan.labelsOf(user);
    const label = seen.has(user) ? r.pick(labels) : labels[0]!;
    const date = `2024-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
    const line = `Record ${id} | user ${user} | ${date} | ${r.pick(TEMPLATES[label])(r)}`;
    if (chars + line.length + 1 > plan.chars && records.length > 0) break;
    seen.add(user);
    lines.push(line);
    records.push({ id, user, label, line });
    chars += line.length + 1;
  }
  return { text: lines.join('\n') + '\n', records };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
