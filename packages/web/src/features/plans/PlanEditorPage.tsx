import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function PlanEditorPage() {
  const { t } = useTranslation('plans');
  return <Card title={t('title')} />;
}
