// Demo and test fixture for MockBackend: one inspector (王芳), five centres in
// 河北省石家庄市长安区 across 建北街道 and 西兆通镇, one template whose
// sections use every answer type.
import type { AnswerRecord, Centre, CentreType, InspectionSnapshot, Review, Stage, Template } from './types.gen';

export const ME = { username: 'insp-wang', display_name: '王芳' };
export const OTHER = { username: 'insp-li', display_name: '李强' };
export const SUPERVISOR = 'sup-zhao';

const L = (zh: string, en: string) => ({ zh, en });
const SRC = '商务部等13部门《县域商业三年行动计划》附件2';
const SRC_EN = 'MOFCOM and 12 departments, three-year county commerce plan, annex 2';
/** A citation in both languages: the checklist shows the user's. */
const cite = (clause: string, en: string) => L(`${SRC} ${clause}`, `${SRC_EN}, ${en}`);

export const TEMPLATE: Template = {
  format: 1, id: 'centre-quarterly', version: 3, centre_type: 'village',
  title: L('便民消费服务中心季度检查', 'Quarterly inspection of convenience consumer service centres'),
  weights_note: L('设施 30%，服务 40%，满意度 30%', 'Facilities 30%, services 40%, satisfaction 30%'),
  grades: { excellent: 90, good: 80, pass: 60 },
  location: { required_accuracy_m: 50 },
  sections: [
    {
      id: 'facilities', title: L('基础设施', 'Facilities'), weight: 30, items: [
        { id: 'facilities.sign', title: L('门头标识统一、醒目', 'Unified, visible shop sign'),
          guidance: L('站在门外 10 米处看，标识是否清楚、有"便民消费服务中心"字样。', 'From 10 m outside: is the sign clear and does it name the centre?'),
          source: cite('第一条', 'article 1'), answer: { type: 'yes_no' }, points: 5, na_allowed: false, critical: false,
          evidence: { photo: 'required', on_site: true } },
        { id: 'facilities.area', title: L('实际营业面积', 'Floor area in use'), source: cite('第二条', 'article 2'),
          answer: { type: 'number', unit: 'm²', min: 0, max: 5000 }, points: 0, na_allowed: false, critical: false,
          evidence: { photo: 'none', on_site: false } },
        { id: 'facilities.fire', title: L('消防器材齐全且在有效期内', 'Fire equipment present and in date'),
          guidance: L('查看灭火器压力表和检验日期。', 'Check extinguisher gauges and inspection dates.'),
          source: L('《消防法》第十六条', 'Fire Protection Law, article 16'), answer: { type: 'yes_no' }, points: 10, na_allowed: false, critical: true,
          evidence: { photo: 'optional', on_site: true } },
        { id: 'facilities.access', title: L('有无障碍通道', 'Step-free access'), source: cite('第三条', 'article 3'),
          answer: { type: 'yes_no' }, points: 5, na_allowed: true, critical: false, evidence: { photo: 'optional', on_site: false } },
      ],
    },
    {
      id: 'services', title: L('服务功能', 'Services'), weight: 40, items: [
        { id: 'services.formats', title: L('具备的服务业态', 'Services offered'),
          guidance: L('逐项核对，实际在营业的才算。', 'Count only services actually operating.'),
          source: cite('第五条', 'article 5'), points: 10, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false },
          answer: { type: 'choice_many', options: [
            { id: 'grocery', label: L('便利店', 'Grocery'), points: 3 },
            { id: 'parcel', label: L('快递收发', 'Parcels'), points: 3 },
            { id: 'food', label: L('餐饮', 'Food'), points: 2 },
            { id: 'repair', label: L('维修', 'Repairs'), points: 1 },
            { id: 'housekeeping', label: L('家政', 'Housekeeping'), points: 1 },
            { id: 'pharmacy', label: L('药店', 'Pharmacy'), points: 2 },
          ] } },
        { id: 'services.hours', title: L('营业时间', 'Opening hours'), source: cite('第六条', 'article 6'),
          points: 10, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false },
          answer: { type: 'choice_one', options: [
            { id: 'all_day', label: L('每天 12 小时以上', '12+ hours daily'), fraction: 1 },
            { id: 'daytime', label: L('白天营业', 'Daytime'), fraction: 0.6 },
            { id: 'irregular', label: L('不固定', 'Irregular'), fraction: 0 },
          ] } },
        { id: 'services.clean', title: L('店内整洁程度', 'Cleanliness inside'), source: cite('第七条', 'article 7'),
          points: 10, na_allowed: false, critical: false, evidence: { photo: 'optional', on_site: true },
          answer: { type: 'scale', min: 1, max: 5, labels: [L('很差', 'Very poor'), L('较差', 'Poor'), L('一般', 'Fair'), L('较好', 'Good'), L('很好', 'Very good')] } },
        { id: 'services.prices', title: L('商品明码标价', 'Prices clearly marked'), source: L('《价格法》第十三条', 'Price Law, article 13'),
          answer: { type: 'yes_no' }, points: 5, na_allowed: false, critical: false, evidence: { photo: 'required', on_site: true } },
        { id: 'services.elderly', title: L('提供助老服务（如代购、送货上门）', 'Help for elderly people (shopping, delivery)'),
          source: cite('第八条', 'article 8'), answer: { type: 'yes_no' }, points: 5, na_allowed: true, critical: false,
          evidence: { photo: 'none', on_site: false } },
      ],
    },
    {
      id: 'satisfaction', title: L('群众满意度', 'Residents’ satisfaction'), weight: 30, items: [
        { id: 'satisfaction.survey', title: L('现场询问群众满意度', 'Ask residents on site'),
          guidance: L('随机询问在场群众"对这里的服务满意吗？"', 'Ask people present: "Are you satisfied with the service here?"'),
          source: cite('第十条', 'article 10'), answer: { type: 'sample', min_asked: 10 }, points: 20, na_allowed: false, critical: false,
          evidence: { photo: 'none', on_site: true } },
        { id: 'satisfaction.staff', title: L('在岗服务人员', 'Staff on duty'), source: cite('第十一条', 'article 11'),
          answer: { type: 'number', unit: '人', min: 0, max: 200 }, points: 0, stat: 'staff', na_allowed: false, critical: false,
          evidence: { photo: 'none', on_site: false } },
        { id: 'satisfaction.area_per_staff', title: L('人均服务面积', 'Floor area per staff member'), source: L('由面积与人数计算', 'Computed from floor area and staff'),
          answer: { type: 'computed', numerator: 'facilities.area', denominator: 'satisfaction.staff', scale: 1, unit: 'm²/人' },
          points: 0, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false } },
        { id: 'satisfaction.quotes', title: L('群众意见摘录', 'What residents said'), source: cite('第十条', 'article 10'),
          answer: { type: 'text' }, points: 0, na_allowed: true, critical: false, evidence: { photo: 'none', on_site: false } },
        { id: 'satisfaction.interviews', title: L('居民满意度现场随访', 'Resident satisfaction: on-site interviews'),
          guidance: L('逐人记录是否满意和意见建议；受访者同意时可留电话以便回访。', 'Record each person: satisfied or not, and any opinion; with consent, a phone number for a follow-up call.'),
          source: L('商服贸函〔2018〕157号第三部分（五）：听取基层干部群众意见建议', '商服贸函〔2018〕157号 三(五): hear the opinions of local officials and residents'),
          answer: { type: 'respondents', min_asked: 3 }, points: 10, thresholds: [{ gte: 0.9, fraction: 1 }, { gte: 0.8, fraction: 0.5 }],
          na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false } },
      ],
    },
    {
      id: 'bonus', title: L('加分项', 'Bonus points'), weight: 0, kind: 'bonus', cap: 3, items: [
        { id: 'bonus.online', title: L('与电商平台合作开展线上服务', 'Online services with an e-commerce platform'),
          source: L('商服贸函〔2018〕157号第二部分（四）：线上线下融合', '商服贸函〔2018〕157号 二(四): online–offline integration'),
          answer: { type: 'yes_no' }, points: 2, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false } },
        { id: 'bonus.chain', title: L('加入品牌连锁', 'Part of a branded chain'),
          source: L('商服贸函〔2018〕157号第二部分（三）', '商服贸函〔2018〕157号 二(三): vitality'),
          answer: { type: 'yes_no' }, points: 2, na_allowed: false, critical: false, evidence: { photo: 'none', on_site: false } },
      ],
    },
  ],
};

const region = (township: string) => ({ province: '河北省', city: '石家庄市', county: '长安区', township });
function centre(code: string, name: string, centre_type: CentreType, township: string, lat: number, lon: number,
  extra: Partial<Centre> = {}): Centre {
  return { code, name, centre_type, region: region(township), lat, lon, geofence_m: 150, floor_area_m2: null,
    community_floor_area_m2: null, households: null, population_served: null, status: 'built', ...extra };
}

export const CENTRES: Centre[] = [
  centre('130102-001', '育才社区便民服务中心', 'community', '建北街道', 38.0562, 114.5208,
    { floor_area_m2: 1200, community_floor_area_m2: 800, households: 3200, population_served: 9500 }),
  centre('130102-002', '谈固街区生活服务集聚中心', 'block', '建北街道', 38.0611, 114.5361,
    { floor_area_m2: 5400, households: 12000, population_served: 31000, status: 'under_construction' }),
  centre('130102-101', '西兆通镇生活综合服务中心', 'township', '西兆通镇', 38.0988, 114.5815,
    { floor_area_m2: 2100, population_served: 42000 }),
  centre('130102-102', '南豆村村级生活综合服务站', 'village', '西兆通镇', 38.1054, 114.5932,
    { floor_area_m2: 180, households: 650, population_served: 2100, geofence_m: 100 }),
  centre('130102-103', '东兆通村村级生活综合服务站', 'village', '西兆通镇', 38.0921, 114.6012,
    { floor_area_m2: 120, households: 480, status: 'planned' }),
];

export type Seed = { doc: string; code: string; quarter: string; stage: Stage | null; unsynced: boolean;
  refused: string | null; snapshot: InspectionSnapshot | null };

const T0 = Date.UTC(2025, 4, 12, 1, 30); // 12 May 2025, 09:30 Beijing time
const min = (n: number) => T0 + n * 60_000;
const rec = (r: AnswerRecord) => r;

function snap(code: string, parts: Partial<InspectionSnapshot>): InspectionSnapshot {
  return { centre_code: code, template: { id: TEMPLATE.id, version: TEMPLATE.version }, purpose: 'routine', created_by: ME.username,
    created_at: min(0), inspectors: { [ME.username]: ME.display_name }, answers: {}, conflicts: [], notes: '',
    item_notes: {}, photos: {}, gps_fixes: [], sign_offs: {}, review: null, ...parts };
}

const returnedReview: Review = {
  current: { status: 'returned', by: SUPERVISOR, at: min(60 * 24 * 3), comment: '消防器材的照片看不清，请补拍；满意度调查人数不够。',
    item_comments: { 'facilities.fire': '灭火器检验日期看不清，请补拍一张近照。', 'satisfaction.survey': '至少询问 10 人。' }, reviewed_sign_offs: {} },
  history: [],
};

export function seeds(): Seed[] {
  return [
    { doc: 'doc-001-2025q2', code: '130102-001', quarter: '2025Q2', stage: 'not_started', unsynced: false, refused: null,
      snapshot: snap('130102-001', {}) },
    { doc: 'doc-002-2025q2', code: '130102-002', quarter: '2025Q2', stage: 'signed', unsynced: true,
      refused: null, snapshot: snap('130102-002', {
        answers: Object.fromEntries(['facilities.sign', 'facilities.fire', 'facilities.access', 'services.prices', 'services.elderly']
          .map((id) => [id, rec({ answer: { kind: 'yes_no', value: true }, by: ME.username, at: min(20) })])),
        sign_offs: { [ME.username]: min(90) },
      }) },
    { doc: 'doc-101-2025q2', code: '130102-101', quarter: '2025Q2', stage: 'returned', unsynced: false, refused: null,
      snapshot: snap('130102-101', {
        inspectors: { [ME.username]: ME.display_name, [OTHER.username]: OTHER.display_name },
        answers: {
          'facilities.sign': { answer: { kind: 'yes_no', value: true }, by: ME.username, at: min(5) },
          'facilities.fire': { answer: { kind: 'yes_no', value: true }, by: OTHER.username, at: min(7) },
          'services.hours': { answer: { kind: 'choice', value: 'all_day' }, by: ME.username, at: min(9) },
          'services.clean': { answer: { kind: 'scale', value: 4 }, by: ME.username, at: min(10) },
          'satisfaction.survey': { answer: { kind: 'sample', value: { asked: 6, satisfied: 5 } }, by: OTHER.username, at: min(30) },
        },
        conflicts: [{ item: 'services.clean', values: [
          { answer: { kind: 'scale', value: 4 }, by: ME.username, at: min(10) },
          { answer: { kind: 'scale', value: 2 }, by: OTHER.username, at: min(12) },
        ] }],
        notes: '服务中心整体运行正常，部分货架需整理。',
        sign_offs: { [ME.username]: min(60), [OTHER.username]: min(62) },
        review: returnedReview,
      }) },
    { doc: 'doc-102-2025q2', code: '130102-102', quarter: '2025Q2', stage: 'draft', unsynced: true, refused: null,
      snapshot: snap('130102-102', {
        answers: {
          'facilities.sign': { answer: { kind: 'yes_no', value: true }, by: ME.username, at: min(3) },
          'facilities.area': { answer: { kind: 'number', value: 160 }, by: ME.username, at: min(4) },
          'services.formats': { answer: { kind: 'choices', value: ['grocery', 'parcel'] }, by: ME.username, at: min(6) },
        },
        item_notes: { 'facilities.sign': '门头褪色，但字样清楚。' },
        photos: { 'a1b2c3': { sha256: 'a1b2c3', bytes: 812_000, mime: 'image/jpeg', width: 1600, height: 1200,
          item_id: 'facilities.sign', thumbnail: 'a1b2c3-t', taken_at: min(3), gps: null, by: ME.username } },
        gps_fixes: [{ lat: 38.1061, lon: 114.5921, accuracy_m: 12, source: 'gnss', at: min(1), mock: false, by: ME.username }],
      }) },
    { doc: 'doc-103-2025q2', code: '130102-103', quarter: '2025Q2', stage: null, unsynced: false, refused: null, snapshot: null },
  ];
}
