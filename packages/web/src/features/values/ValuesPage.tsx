import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function ValuesPage() {
  const { t } = useTranslation('values');
  return <Card title={t('title')} />;
}
