import { useMemo, useState } from 'react';
import { Alert, App, DatePicker, Form, Input, Modal, Select, TreeSelect, type FormInstance } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { applyFieldErrors } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import { peerGroupLabel } from '../../shared/format';
import { KNOWN_PEER_GROUPS, ORG_KINDS } from '@perfcommons/contracts/enums';
import type { Items, OrgUnit, Person } from '@perfcommons/contracts';

/** A cadre as the office sees it: with its code and linked login account. */
export type Cadre = Person & { code?: string; userId?: string | null };

interface TreeNode {
  value: string;
  title: string;
  disabled?: boolean;
  children?: TreeNode[];
}

/** The org tree for a TreeSelect; `exclude` and its subtree cannot be picked (a unit cannot move under itself). */
export function useOrgTreeData(orgs: OrgUnit[] | undefined, lang: string, exclude?: string): TreeNode[] {
  return useMemo(() => {
    const kids = new Map<string | null, OrgUnit[]>();
    const ids = new Set((orgs ?? []).map((o) => o.id));
    for (const o of orgs ?? []) {
      const parent = o.parentId && ids.has(o.parentId) ? o.parentId : null;
      kids.set(parent, [...(kids.get(parent) ?? []), o]);
    }
    const build = (parent: string | null, blocked: boolean): TreeNode[] =>
      (kids.get(parent) ?? []).map((o) => {
        const off = blocked || o.id === exclude;
        const children = build(o.id, off);
        return {
          value: o.id,
          title: pick(lang, o.name, o.nameEn),
          disabled: off,
          children: children.length ? children : undefined,
        };
      });
    return build(null, false);
  }, [orgs, lang, exclude]);
}

/** Clears the server's errors of the last attempt, so only the new answer's errors show. */
const clearErrors = (form: FormInstance, fields: string[]) =>
  form.setFields(fields.map((name) => ({ name, errors: [] })));

/** Shows what no field took (a message without a field path). */
function OtherErrors({ errors }: { errors: string[] }) {
  return errors.length ? (
    <Alert type="error" showIcon message={errors.join('; ')} style={{ marginBottom: 16 }} />
  ) : null;
}

interface OrgForm {
  code: string;
  name: string;
  nameEn?: string;
  kind: OrgUnit['kind'];
  parentId?: string;
  peerGroup?: string;
}
const ORG_FIELDS = ['code', 'name', 'nameEn', 'kind', 'parentId', 'peerGroup'];

/** Creates a unit (under `parentId`) or edits `unit`: names, kind, peer group, and moves it in the tree. */
export function OrgUnitModal({
  open,
  unit,
  parentId,
  orgs,
  onClose,
  onSaved,
}: {
  open: boolean;
  unit?: OrgUnit;
  parentId?: string;
  orgs: OrgUnit[];
  onClose: () => void;
  onSaved?: (unit: OrgUnit) => void;
}) {
  const { t, i18n } = useTranslation('orgs');
  const [form] = Form.useForm<OrgForm>();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [other, setOther] = useState<string[]>([]);
  const treeData = useOrgTreeData(orgs, i18n.language, unit?.id);
  const isRoot = !!unit && !unit.parentId;
  const groups = useMemo(
    () => [
      ...new Set<string>([...KNOWN_PEER_GROUPS, ...orgs.flatMap((o) => (o.peerGroup ? [o.peerGroup] : []))]),
    ],
    [orgs],
  );
  const save = useMutation({
    mutationFn: (v: OrgForm) => {
      const common = {
        name: v.name,
        nameEn: v.nameEn?.trim() || null,
        kind: v.kind,
        peerGroup: v.peerGroup || null,
      };
      return unit
        ? api.patch<{ unit: OrgUnit }>(`/api/orgs/${unit.id}`, {
            ...common,
            ...(isRoot ? {} : { parentId: v.parentId }),
          })
        : api.post<{ unit: OrgUnit }>('/api/orgs', { ...common, code: v.code, parentId: v.parentId ?? null });
    },
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['orgs'] });
      void message.success(t(unit ? 'unitSaved' : 'unitCreated'));
      onSaved?.(r.unit);
      onClose();
    },
    onError: (e) => setOther(applyFieldErrors(form, e, ORG_FIELDS)),
  });
  return (
    <Modal
      open={open}
      title={unit ? t('editUnit') : t('newUnit')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('console:common.save')}
      cancelText={t('console:common.cancel')}
      okButtonProps={{ 'data-testid': 'org-save' }}
      destroyOnHidden
    >
      <OtherErrors errors={other} />
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          unit
            ? {
                code: unit.code,
                name: unit.name,
                nameEn: unit.nameEn ?? undefined,
                kind: unit.kind,
                parentId: unit.parentId ?? undefined,
                peerGroup: unit.peerGroup ?? undefined,
              }
            : { kind: 'department', parentId }
        }
        onFinish={(v) => {
          setOther([]);
          clearErrors(form, ORG_FIELDS);
          save.mutate(v);
        }}
      >
        <Form.Item
          name="code"
          label={t('code')}
          rules={[{ required: true, message: t('required') }]}
          extra={!unit && t('codeHelp')}
        >
          <Input disabled={!!unit} placeholder="edu" data-testid="org-code" />
        </Form.Item>
        <Form.Item name="name" label={t('unitName')} rules={[{ required: true, message: t('required') }]}>
          <Input data-testid="org-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('nameEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t('kind')} rules={[{ required: true, message: t('required') }]}>
          <Select
            options={ORG_KINDS.map((k) => ({
              value: k,
              label: t(`common:orgKind.${k}`, { defaultValue: k }),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="parentId"
          label={t('parent')}
          rules={[{ required: !isRoot && orgs.length > 0, message: t('required') }]}
          extra={unit && !isRoot ? t('moveHelp') : undefined}
        >
          <TreeSelect
            disabled={isRoot}
            treeData={treeData}
            treeDefaultExpandAll
            showSearch
            treeNodeFilterProp="title"
            allowClear
            data-testid="org-parent"
          />
        </Form.Item>
        <Form.Item name="peerGroup" label={t('peerGroup')} extra={t('peerGroupHelp')}>
          <Select allowClear options={groups.map((g) => ({ value: g, label: peerGroupLabel(t, g) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PersonForm {
  code: string;
  name: string;
  nameEn?: string;
  position: string;
  positionEn?: string;
  orgUnitId: string;
  userId?: string;
  termStart?: Dayjs | null;
  termEnd?: Dayjs | null;
}
const PERSON_FIELDS = [
  'code',
  'name',
  'nameEn',
  'position',
  'positionEn',
  'orgUnitId',
  'userId',
  'termStart',
  'termEnd',
];
const day = (d?: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);

interface Account {
  id: string;
  username: string;
  displayName: string;
  displayNameEn: string | null;
}

/** Records a cadre or edits one: names, position, unit, login account and term. */
export function PersonModal({
  open,
  person,
  orgUnitId,
  orgs,
  onClose,
}: {
  open: boolean;
  person?: Cadre;
  orgUnitId?: string;
  orgs: OrgUnit[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('orgs');
  const lang = i18n.language;
  const [form] = Form.useForm<PersonForm>();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [other, setOther] = useState<string[]>([]);
  const treeData = useOrgTreeData(orgs, lang);
  const accounts = useQuery({
    queryKey: ['users', 'appraisee'],
    queryFn: () => api.get<Items<Account>>(`/api/users${qs({ role: 'appraisee' })}`).then((r) => r.items),
    enabled: open,
  });
  const save = useMutation({
    mutationFn: (v: PersonForm) => {
      const body = {
        name: v.name,
        nameEn: v.nameEn?.trim() || null,
        position: v.position,
        positionEn: v.positionEn?.trim() || null,
        orgUnitId: v.orgUnitId,
        userId: v.userId ?? null,
        termStart: day(v.termStart),
        termEnd: day(v.termEnd),
      };
      return person
        ? api.patch<{ person: Cadre }>(`/api/people/${person.id}`, body)
        : api.post<{ person: Cadre }>('/api/people', { ...body, code: v.code });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['people'] });
      void message.success(t(person ? 'cadreSaved' : 'cadreCreated'));
      onClose();
    },
    onError: (e) => setOther(applyFieldErrors(form, e, PERSON_FIELDS)),
  });
  return (
    <Modal
      open={open}
      title={person ? t('editCadre') : t('newCadre')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('console:common.save')}
      cancelText={t('console:common.cancel')}
      okButtonProps={{ 'data-testid': 'person-save' }}
      width={640}
      destroyOnHidden
    >
      <OtherErrors errors={other} />
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          person
            ? {
                code: person.code,
                name: person.name,
                nameEn: person.nameEn ?? undefined,
                position: person.position ?? undefined,
                positionEn: person.positionEn ?? undefined,
                orgUnitId: person.orgUnitId,
                userId: person.userId ?? undefined,
                termStart: person.termStart ? dayjs(person.termStart) : null,
                termEnd: person.termEnd ? dayjs(person.termEnd) : null,
              }
            : { orgUnitId }
        }
        onFinish={(v) => {
          setOther([]);
          clearErrors(form, PERSON_FIELDS);
          save.mutate(v);
        }}
      >
        <Form.Item
          name="code"
          label={t('code')}
          rules={[{ required: true, message: t('required') }]}
          extra={!person && t('codeHelp')}
        >
          <Input disabled={!!person} placeholder="edu-5" data-testid="person-code" />
        </Form.Item>
        <Form.Item name="name" label={t('name')} rules={[{ required: true, message: t('required') }]}>
          <Input data-testid="person-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('nameEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="position" label={t('position')} rules={[{ required: true, message: t('required') }]}>
          <Input data-testid="person-position" />
        </Form.Item>
        <Form.Item name="positionEn" label={t('positionEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="orgUnitId" label={t('unit')} rules={[{ required: true, message: t('required') }]}>
          <TreeSelect treeData={treeData} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
        </Form.Item>
        <Form.Item name="userId" label={t('account')} extra={t('accountHelp')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            loading={accounts.isLoading}
            options={(accounts.data ?? []).map((u) => ({
              value: u.id,
              label: `${pick(lang, u.displayName, u.displayNameEn)} (${u.username})`,
            }))}
          />
        </Form.Item>
        <Form.Item name="termStart" label={t('termStart')}>
          <DatePicker style={{ width: '100%' }} data-testid="person-term-start" />
        </Form.Item>
        <Form.Item name="termEnd" label={t('termEnd')} extra={t('termEndHelp')}>
          <DatePicker style={{ width: '100%' }} data-testid="person-term-end" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Ends a cadre's term on a chosen day (today by default). */
export function EndTermModal({ person, onClose }: { person?: Cadre; onClose: () => void }) {
  const { t, i18n } = useTranslation('orgs');
  const [form] = Form.useForm<{ termEnd: Dayjs }>();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [other, setOther] = useState<string[]>([]);
  const end = useMutation({
    mutationFn: (v: { termEnd: Dayjs }) =>
      api.post(`/api/people/${person!.id}/end-term`, { termEnd: v.termEnd.format('YYYY-MM-DD') }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['people'] });
      void message.success(t('termEnded'));
      onClose();
    },
    onError: (e) => setOther(applyFieldErrors(form, e, ['termEnd'])),
  });
  return (
    <Modal
      open={!!person}
      title={person ? t('endTermOf', { name: pick(i18n.language, person.name, person.nameEn) }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={end.isPending}
      okText={t('endTerm')}
      cancelText={t('console:common.cancel')}
      destroyOnHidden
    >
      <OtherErrors errors={other} />
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ termEnd: dayjs() }}
        onFinish={(v) => {
          setOther([]);
          clearErrors(form, ['termEnd']);
          end.mutate(v);
        }}
      >
        <Form.Item name="termEnd" label={t('lastDay')} rules={[{ required: true, message: t('required') }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
