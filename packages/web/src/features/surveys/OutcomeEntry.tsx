import { useState } from 'react';
import { App, Button, Input, Modal, Select, Space } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import {
  INVITATION_OUTCOMES as OUTCOMES,
  type InvitationOutcome as Outcome,
} from '@perfcommons/contracts/enums';
import { api } from '../../shared/api';

/** Records the fieldwork outcome of an invitation by its short code (interviewers in the field). */
export function OutcomeEntry({ surveyId }: { surveyId: string }) {
  const { t } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [outcome, setOutcome] = useState<Outcome>();
  const save = useMutation({
    mutationFn: () => api.post(`/api/surveys/${surveyId}/outcomes`, { code, outcome }),
    onSuccess: () => {
      void message.success(t('oc.saved'));
      setCode('');
      setOutcome(undefined);
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', surveyId] });
      void qc.invalidateQueries({ queryKey: ['survey-invitations', surveyId] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="outcome-entry">
        {t('oc.record')}
      </Button>
      <Modal
        open={open}
        title={t('oc.record')}
        onCancel={() => setOpen(false)}
        okText={t('oc.recordSave')}
        okButtonProps={{ disabled: code.trim().length < 8 || !outcome, loading: save.isPending }}
        onOk={() => save.mutate()}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input placeholder={t('fw.code')} value={code} onChange={(e) => setCode(e.target.value)} />
          <Select<Outcome>
            style={{ width: '100%' }}
            placeholder={t('oc.outcome')}
            value={outcome}
            onChange={setOutcome}
            options={OUTCOMES.map((o) => ({ value: o, label: t(`oc.outcomes.${o}`) }))}
          />
        </Space>
      </Modal>
    </>
  );
}
