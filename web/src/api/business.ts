import { useQuery } from '@tanstack/react-query';
import { apiGet } from './client';

/** GET /api/business/options: the closed lists and limits of the business steps. */
export interface BusinessOptions {
  languages: Array<{ code: string; name: string }>;
  countries: Array<{ code: string; name: string }>;
  goals: string[];
  promote: string[];
  ads_interest: string[];
  limits: {
    business_name_max: number;
    description_max: number;
    picture_min_size: number;
    picture_size: number;
  };
}

/** GET /api/business/profile: each step as saved (null when not yet). */
export interface BusinessProfile {
  account_type: 'PINNER' | 'BUSINESS';
  business_name: string | null;
  completed: boolean;
  missing_steps: string[];
  steps: {
    name: { business_name: string; language: string; country: string } | null;
    about: { description: string; goals: string[]; promote: string[] } | null;
    ads: { ads_interest: string } | null;
    profile_picture: { url: string; width: number; height: number } | null;
    website: { website_url: string | null; website: string | null; claimed: boolean } | null;
  };
}

/** GET /api/websites/verification: Pinterest's UserWebsiteVerificationCode. */
export interface WebsiteVerification {
  dns_txt_record: string;
  file_content: string;
  filename: string;
  metatag: string;
  verification_code: string;
}

export const BUSINESS_PROFILE_KEY = ['business-profile'] as const;

export function useBusinessOptions() {
  return useQuery({
    queryKey: ['business-options'],
    queryFn: () => apiGet<BusinessOptions>('/api/business/options'),
    staleTime: Infinity,
  });
}

export function useBusinessProfile() {
  return useQuery({
    queryKey: BUSINESS_PROFILE_KEY,
    queryFn: () => apiGet<BusinessProfile>('/api/business/profile'),
  });
}

export function useWebsiteVerification(enabled: boolean) {
  return useQuery({
    queryKey: ['website-verification'],
    queryFn: () => apiGet<WebsiteVerification>('/api/websites/verification'),
    staleTime: Infinity,
    enabled,
  });
}

/** Words for the server's codes (the codes themselves come from /api/business/options). */
export const CHOICE_WORDS: Record<string, string> = {
  GROW_FOLLOWING: 'Grow a following',
  DRIVE_TRAFFIC: 'Drive traffic to my website',
  SELL_PRODUCTS: 'Sell more products',
  BUILD_AWARENESS: 'Build awareness of my brand',
  NOT_SURE: 'Not sure yet',
  PRODUCTS: 'Products',
  SERVICES: 'Services',
  CONTENT: 'Content, like articles and videos',
  YES: 'Yes',
  NOT_SURE_YET: 'Not sure yet',
};

export function choiceWords(code: string): string {
  const words = CHOICE_WORDS[code];
  if (words) return words;
  const lower = code.toLowerCase().replace(/_/g, ' ');
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
