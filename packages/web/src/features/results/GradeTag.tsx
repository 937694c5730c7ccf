import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { GRADE_COLORS } from '../../shared/format';

export function GradeTag({ grade }: { grade?: string | null }) {
  const { t } = useTranslation();
  if (!grade) return null;
  return <Tag color={GRADE_COLORS[grade]}>{t(`grade.${grade}`, { defaultValue: grade })}</Tag>;
}
