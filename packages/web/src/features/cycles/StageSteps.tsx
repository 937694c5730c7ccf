import { Steps } from 'antd';
import { useTranslation } from 'react-i18next';
import { STAGES } from '@perfcommons/contracts/enums';
import type { Stage } from '@perfcommons/contracts';

/** The links of the cycle as antd Steps, the current one highlighted. */
export function StageSteps({ stage, size }: { stage: Stage; size?: 'small' | 'default' }) {
  const { t } = useTranslation();
  const current = STAGES.indexOf(stage);
  return (
    <Steps
      size={size}
      current={current}
      status={stage === 'closed' ? 'finish' : 'process'}
      data-testid="stage-steps"
      items={STAGES.map((s) => ({ title: t(`stage.${s}`) }))}
    />
  );
}
