import { useMemo, useState } from 'react';
import { Button, Card, Col, Descriptions, Input, Row, Select, Space, Table, Tag, Tree } from 'antd';
import { EditOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../console/auth';
import { useCrumbs } from '../../console/crumbs';
import { useOrgs, usePeople } from '../../console/queries';
import { pick } from '../../i18n';
import { fmtDate, peerGroupLabel } from '../../shared/format';
import type { OrgUnit } from '@perfcommons/contracts';
import { OrgUnitModal, type Cadre } from './EditModals';
import { EndTermModal, PersonModal } from './PersonModals';
import { ImportModal } from '../onboarding/ImportModal';

interface TreeItem {
  key: string;
  title: string;
  children?: TreeItem[];
}

export default function OrgsPage() {
  const { t, i18n } = useTranslation('orgs');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const orgs = useOrgs();
  const people = usePeople();
  const canEdit = !!useMe().data?.capabilities.editOrgs;
  // Which dialog is open: a new or edited unit, a new or edited cadre, a term to end.
  const [unitModal, setUnitModal] = useState<{ unit?: OrgUnit } | null>(null);
  const [personModal, setPersonModal] = useState<{ person?: Cadre } | null>(null);
  const [ending, setEnding] = useState<Cadre>();
  const [importing, setImporting] = useState(false);
  const [selected, setSelected] = useState<string>();
  const [q, setQ] = useState('');
  const [orgQ, setOrgQ] = useState('');
  const [term, setTerm] = useState<string>();
  const byId = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o])), [orgs.data]);

  const tree = useMemo(() => {
    const needle = orgQ.trim().toLowerCase();
    const match = (o: OrgUnit) => `${o.name} ${o.nameEn ?? ''} ${o.code}`.toLowerCase().includes(needle);
    const kids = new Map<string | null, OrgUnit[]>();
    for (const o of orgs.data ?? []) kids.set(o.parentId, [...(kids.get(o.parentId) ?? []), o]);
    const build = (parent: string | null): TreeItem[] =>
      (kids.get(parent) ?? []).flatMap((o) => {
        const children = build(o.id);
        if (needle && !match(o) && children.length === 0) return [];
        return [
          {
            key: o.id,
            title: pick(lang, o.name, o.nameEn),
            children: children.length ? children : undefined,
          },
        ];
      });
    const roots = (orgs.data ?? []).filter((o) => !o.parentId || !byId.has(o.parentId));
    return roots.flatMap((r) => {
      const children = build(r.id);
      if (needle && !match(r) && children.length === 0) return [];
      return [
        { key: r.id, title: pick(lang, r.name, r.nameEn), children: children.length ? children : undefined },
      ];
    });
  }, [orgs.data, byId, lang, orgQ]);

  // The selected unit and every unit under it.
  const scope = useMemo(() => {
    if (!selected) return null;
    const s = new Set<string>([selected]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const o of orgs.data ?? [])
        if (o.parentId && s.has(o.parentId) && !s.has(o.id)) {
          s.add(o.id);
          grew = true;
        }
    }
    return s;
  }, [selected, orgs.data]);

  const today = new Date().toISOString().slice(0, 10);
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (people.data ?? []).filter((p) => {
      const inOffice = !p.termEnd || p.termEnd >= today;
      return (
        (!scope || scope.has(p.orgUnitId)) &&
        (!needle ||
          `${p.name} ${p.nameEn ?? ''} ${p.position ?? ''} ${p.positionEn ?? ''}`
            .toLowerCase()
            .includes(needle)) &&
        (!term || (term === 'in' ? inOffice : !inOffice))
      );
    });
  }, [people.data, scope, q, term, today]);
  const unit = selected ? byId.get(selected) : undefined;

  return (
    <Row gutter={16}>
      <Col xs={24} lg={8}>
        <Card
          title={t('tree')}
          loading={orgs.isLoading}
          extra={
            canEdit && (
              <Space size="small">
                <Button
                  size="small"
                  icon={<UploadOutlined />}
                  onClick={() => setImporting(true)}
                  data-testid="org-import"
                >
                  {t('onboarding:import.button')}
                </Button>
                <Button
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => setUnitModal({})}
                  data-testid="org-create"
                >
                  {t('newUnit')}
                </Button>
              </Space>
            )
          }
        >
          <Input.Search
            allowClear
            placeholder={t('searchOrg')}
            onChange={(e) => setOrgQ(e.target.value)}
            style={{ marginBottom: 8 }}
          />
          <Tree
            treeData={tree}
            defaultExpandAll
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected((keys[0] as string) || undefined)}
            key={`${orgs.data?.length ?? 0}-${orgQ}`}
          />
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {unit && (
            <Card size="small">
              <Descriptions
                size="small"
                column={{ xs: 1, md: 2 }}
                title={pick(lang, unit.name, unit.nameEn)}
                extra={
                  canEdit && (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => setUnitModal({ unit })}
                      data-testid="org-edit"
                    >
                      {t('console:common.edit')}
                    </Button>
                  )
                }
              >
                <Descriptions.Item label={t('code')}>{unit.code}</Descriptions.Item>
                <Descriptions.Item label={t('kind')}>
                  {t(`common:orgKind.${unit.kind}`, { defaultValue: unit.kind })}
                </Descriptions.Item>
                <Descriptions.Item label={t('peerGroup')}>
                  {peerGroupLabel(t, unit.peerGroup)}
                </Descriptions.Item>
                <Descriptions.Item label={t('parent')}>
                  {unit.parentId
                    ? pick(lang, byId.get(unit.parentId)?.name, byId.get(unit.parentId)?.nameEn)
                    : '—'}
                </Descriptions.Item>
              </Descriptions>
            </Card>
          )}
          <Card
            title={t('people')}
            extra={
              canEdit && (
                <Button
                  type="primary"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => setPersonModal({})}
                  data-testid="person-create"
                >
                  {t('newCadre')}
                </Button>
              )
            }
          >
            <Space wrap style={{ marginBottom: 16 }}>
              <Input.Search
                allowClear
                placeholder={t('search')}
                onChange={(e) => setQ(e.target.value)}
                style={{ width: 240 }}
              />
              <Select
                allowClear
                placeholder={t('termStatus')}
                aria-label={t('termStatus')}
                style={{ width: 140 }}
                value={term}
                onChange={setTerm}
                options={[
                  { value: 'in', label: t('inOffice') },
                  { value: 'out', label: t('ended') },
                ]}
              />
            </Space>
            <Table<Cadre>
              rowKey="id"
              size="small"
              loading={people.isLoading}
              dataSource={rows}
              pagination={{ pageSize: 15, showTotal: (total) => t('console:common.total', { total }) }}
              columns={[
                {
                  title: t('name'),
                  dataIndex: 'name',
                  sorter: (a, b) => a.name.localeCompare(b.name),
                  render: (_, p) => pick(lang, p.name, p.nameEn),
                },
                {
                  title: t('position'),
                  dataIndex: 'position',
                  render: (_, p) => pick(lang, p.position, p.positionEn),
                },
                {
                  title: t('unit'),
                  dataIndex: 'orgUnitId',
                  render: (id: string) => pick(lang, byId.get(id)?.name, byId.get(id)?.nameEn),
                },
                {
                  title: t('termStart'),
                  dataIndex: 'termStart',
                  sorter: (a, b) => (a.termStart ?? '').localeCompare(b.termStart ?? ''),
                  render: fmtDate,
                },
                {
                  title: t('termEnd'),
                  dataIndex: 'termEnd',
                  render: (v: string | null) =>
                    v && v < today ? (
                      <Tag>{fmtDate(v)}</Tag>
                    ) : v ? (
                      fmtDate(v)
                    ) : (
                      <Tag color="green">{t('inOffice')}</Tag>
                    ),
                },
                ...(canEdit
                  ? [
                      {
                        title: t('console:common.actions'),
                        key: 'actions',
                        render: (_: unknown, p: Cadre) => (
                          <Space size={0}>
                            <Button
                              type="link"
                              size="small"
                              onClick={() => setPersonModal({ person: p })}
                              data-testid="person-edit"
                            >
                              {t('console:common.edit')}
                            </Button>
                            {(!p.termEnd || p.termEnd > today) && p.termStart && (
                              <Button
                                type="link"
                                size="small"
                                onClick={() => setEnding(p)}
                                data-testid="person-end-term"
                              >
                                {t('endTerm')}
                              </Button>
                            )}
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Space>
      </Col>
      {/* Mounted only while open: each dialog starts from its own values, not the last one's. */}
      {unitModal && (
        <OrgUnitModal
          open
          unit={unitModal.unit}
          parentId={selected}
          orgs={orgs.data ?? []}
          onClose={() => setUnitModal(null)}
          onSaved={(u) => setSelected(u.id)}
        />
      )}
      {personModal && (
        <PersonModal
          open
          person={personModal.person}
          orgUnitId={selected}
          orgs={orgs.data ?? []}
          onClose={() => setPersonModal(null)}
        />
      )}
      {ending && <EndTermModal person={ending} onClose={() => setEnding(undefined)} />}
      {importing && <ImportModal open onClose={() => setImporting(false)} />}
    </Row>
  );
}
