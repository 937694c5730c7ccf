import { useMemo, useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, TreeSelect, type FormInstance } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { peerGroupLabel } from '../../shared/format';
import { KNOWN_PEER_GROUPS, ORG_KINDS } from '@perfcommons/contracts/enums';
import type { OrgUnit, Person } from '@perfcommons/contracts';

/** A cadre as the office sees it: with its code and linked login account. */
export type Cadre = Person;

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
export const clearErrors = (form: FormInstance, fields: string[]) =>
  form.setFields(fields.map((name) => ({ name, errors: [] })));

/** Shows what no field took (a message without a field path). */
export function OtherErrors({ errors }: { errors: string[] }) {
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
