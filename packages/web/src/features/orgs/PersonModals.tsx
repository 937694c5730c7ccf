/** The office's modals for cadres: record or edit one (with its login account), end a term. */
import { useState } from 'react';
import { App, DatePicker, Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { applyFieldErrors } from '../../console/errors';
import { pick } from '../../i18n';
import { api, qs } from '../../shared/api';
import type { Items, OrgUnit, UserListItem } from '@perfcommons/contracts';
import { clearErrors, OtherErrors, useOrgTreeData, type Cadre } from './EditModals';

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

type Account = UserListItem;

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
